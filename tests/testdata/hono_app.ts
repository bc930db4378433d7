// Copyright 2026 the wsgiref authors. MIT license.
/**
 * A Hono app (a real third-party fetch app) for the fetch-bridge tests: the
 * same routes answered by `Deno.serve` directly, and through
 * `fromFetchHandler` under `makeServer` and under a CGI server.
 *
 * @module
 */

import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { stream } from "hono/streaming";

/** The app. */
export const app: Hono = new Hono();

app.get("/json", (c) => c.json({ hello: "world", answer: 42 }));

app.get(
  "/users/:id",
  (c) => c.json({ id: c.req.param("id"), q: c.req.query("q") ?? null }),
);

app.post("/echo", async (c) => {
  const body = await c.req.json();
  return c.json({ got: body, type: c.req.header("content-type") ?? null }, 201);
});

app.get("/stream", (c) =>
  stream(c, async (out) => {
    for (const part of ["one;", "two;", "three;"]) {
      await out.write(part);
      await out.sleep(20);
    }
  }));

app.get("/cookies", (c) => {
  setCookie(c, "a", "1", { path: "/" });
  setCookie(c, "b", "2", { httpOnly: true });
  return c.text("two cookies");
});

// What the app was told of the request's body.
app.all("/headers", (c) =>
  c.json({
    method: c.req.method,
    "content-type": c.req.header("content-type") ?? null,
    "content-length": c.req.header("content-length") ?? null,
  }));
