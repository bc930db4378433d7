# workerd's configuration for examples/workerd/worker.ts, bundled as
# worker.js beside this file: one service, one socket on 127.0.0.1:8000.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .helloWorker)],
  sockets = [(name = "http", address = "127.0.0.1:8000", http = (), service = "main")],
);

const helloWorker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2026-11-17",
);
