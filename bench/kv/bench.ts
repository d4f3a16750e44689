// Deno KV side of bench/kv/run.py: the same workloads on Deno's local (SQLite) KV.
// deno run --unstable-kv --allow-read --allow-write bench.ts DIR [seconds]
const dir = Deno.args[0] ?? "/tmp/kv-bench-deno";
const seconds = Number(Deno.args[1] ?? "1.5");
await Deno.mkdir(dir, { recursive: true });
const kv = await Deno.openKv(`${dir}/kv.sqlite3`);
const now = () => performance.now() / 1000;

for (let i = 0; i < 1000; i++) await kv.set(["get", i], { n: i, s: "value" });
let gets = 0;
let t0 = now();
while (now() - t0 < seconds) {
  for (let i = 0; i < 1000; i++) {
    const e = await kv.get(["get", (i * 7919) % 1000]);
    if (e.versionstamp === null) throw new Error("missing");
  }
  gets += 1000;
}
const get = gets / (now() - t0);

// 1, 16 and 256 concurrent writers, each awaiting its commit before the next set.
async function writeRate(tag: string, writers: number): Promise<number> {
  const t0 = now();
  const deadline = t0 + seconds;
  const counts = await Promise.all([...Array(writers).keys()].map(async (w) => {
    let n = 0;
    while (now() < deadline) { await kv.set([tag, w, n], { v: n }); n++; }
    return n;
  }));
  return counts.reduce((a, b) => a + b, 0) / (now() - t0);
}
const write1 = await writeRate("w1", 1);
const write16 = await writeRate("w", 16);

const op = kv.atomic();
for (let i = 0; i < 1000; i++) op.set(["list", i], { i });
await op.commit();
let lists = 0;
t0 = now();
while (now() - t0 < seconds) {
  const out = [];
  for await (const e of kv.list({ prefix: ["list"] }, { batchSize: 1000 })) out.push(e);
  if (out.length !== 1000) throw new Error("list");
  lists++;
}
const list1000 = lists / (now() - t0);

const write256 = await writeRate("w256", 256);

await kv.set(["cas"], 0);
let cas = 0;
t0 = now();
while (now() - t0 < seconds) {
  const e = await kv.get<number>(["cas"]);
  const r = await kv.atomic().check(e).set(["cas"], (e.value ?? 0) + 1).commit();
  if (!r.ok) throw new Error("cas failed");
  cas++;
}
const casRate = cas / (now() - t0);
kv.close();
console.log(JSON.stringify({ get, write16, list1000, cas: casRate, write1, write256 }));
