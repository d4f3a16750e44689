// Deno peer of bench/http: Deno.serve, any path -> "Hello, world!" (the reference setup of issue 2);
// GET /hello/kv reads the greeting from Deno KV (at $DENO_KV_PATH, written on first use), as edge's
// /hello/kv does from its KV.
const port = Number(Deno.env.get("PORT") ?? "8084");
const kvPath = Deno.env.get("DENO_KV_PATH");
const kv = kvPath ? await Deno.openKv(kvPath) : null;
const key = ["hello", "greeting"];

Deno.serve(
  { port, hostname: "127.0.0.1", onListen: () => console.log(`listening on 127.0.0.1:${port}`) },
  async (req) => {
    if (kv && new URL(req.url).pathname === "/hello/kv") {
      const entry = await kv.get<string>(key);
      if (entry.value !== null) return new Response(entry.value);
      await kv.set(key, "Hello, world!");
    }
    return new Response("Hello, world!");
  },
);
