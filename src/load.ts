import { parseManifest } from "./manifest/parse.js";
import type { GitReader, StoredFile } from "./git.js";
import type { ManifestFile, Problem } from "./model.js";

/** The manifest files at one commit, read and checked for shape. */
export interface ManifestSide {
  sha: string;
  files: StoredFile[];
  manifests: ManifestFile[];
  problems: Problem[];
}

export async function loadSide(
  git: GitReader,
  sha: string,
  pattern: string,
): Promise<ManifestSide> {
  const files = await git.manifestFiles(sha, pattern);
  const manifests: ManifestFile[] = [];
  const problems: Problem[] = [];
  for (const file of files) {
    const result = parseManifest(file.content, file.path);
    problems.push(...result.problems);
    if (result.manifest) manifests.push(result.manifest);
  }
  return { sha, files, manifests, problems };
}

export function hasErrors(problems: Problem[]): boolean {
  return problems.some((problem) => problem.severity === "error");
}

/**
 * True when the manifest files differ between two commits: other files,
 * or other contents (git's blob ids).
 */
export async function manifestDiffers(
  git: GitReader,
  pattern: string,
  a: string,
  b: string,
): Promise<boolean> {
  const listing = async (sha: string) =>
    (await git.listManifest(sha, pattern))
      .map((f) => `${f.path}\t${f.blob}`)
      .join("\n");
  return (await listing(a)) !== (await listing(b));
}
