// Node peer of bench/http: the core `http` module, any path -> "Hello, world!" (text/plain), one process.
"use strict";
const http = require("node:http");
const port = Number(process.env.PORT || 8085);
http
  .createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": "13" });
    res.end("Hello, world!");
  })
  .listen(port, "127.0.0.1", () => console.log(`listening on 127.0.0.1:${port}`));
