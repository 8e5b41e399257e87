// Starting points shared by the Cakewalk tests: a stand-in with people and
// work apps in it, and a client pointed at it with waits scaled down.
import {
  CakewalkClient,
  type CakewalkClientOptions,
} from "../../src/cakewalk/client.js";
import { recordingLog } from "../../src/log.js";
import {
  type ApiKey,
  type CakewalkStandIn,
  type CakewalkStandInOptions,
  readWriteKey,
  startCakewalk,
} from "../../stand-ins/cakewalk.js";

/** A stand-in holding `userCount` people (user0@example.com, ...). */
export async function standInWithUsers(
  userCount: number,
  options: CakewalkStandInOptions = {},
): Promise<CakewalkStandIn> {
  const standIn = await startCakewalk(options);
  for (let index = 0; index < userCount; index++) {
    standIn.addUser({ email: `user${index}@example.com` });
  }
  return standIn;
}

/** A client for the stand-in, with test-sized waits unless overridden. */
export function clientFor(
  standIn: CakewalkStandIn,
  options: Partial<CakewalkClientOptions> & { key?: ApiKey } = {},
): { client: CakewalkClient; log: ReturnType<typeof recordingLog> } {
  const log = recordingLog();
  const { key = readWriteKey, ...rest } = options;
  const client = new CakewalkClient({
    apiUrl: standIn.url,
    apiKey: key.key,
    apiSecret: key.secret,
    log,
    maxRetryAfterMs: 50,
    backoffBaseMs: 5,
    requestTimeoutMs: 2000,
    ...rest,
  });
  return { client, log };
}
