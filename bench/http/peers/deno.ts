// Deno peer of bench/http: Deno.serve, any path -> "Hello, world!" (the reference setup of issue 2).
const port = Number(Deno.env.get("PORT") ?? "8084");
Deno.serve(
  { port, hostname: "127.0.0.1", onListen: () => console.log(`listening on 127.0.0.1:${port}`) },
  () => new Response("Hello, world!"),
);
