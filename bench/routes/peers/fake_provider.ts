// The OpenAI-compatible provider both chat servers (edge and peers/chat.ts) call in bench/routes:
// POST /v1/chat/completions answers a fixed, compact Chat Completion JSON (the one bench/chat uses).
// Deno.serve, so the provider is not the bottleneck of either side.
const port = Number(Deno.env.get("PORT") ?? "8090");
const body = JSON.stringify({
  id: "c", object: "chat.completion", created: 1, model: "m",
  choices: [{ index: 0, message: { role: "assistant", content: "Hello there" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
});
Deno.serve({ port, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
  if (req.method === "POST") await req.arrayBuffer();
  return new Response(body, { headers: { "content-type": "application/json" } });
});
