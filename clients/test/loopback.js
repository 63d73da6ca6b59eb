// The listening and closing every HTTP server of the tests does: one free
// port on 127.0.0.1, and a close that ends open connections too.
/** listenLoopback starts server on a free 127.0.0.1 port and resolves with {url, close}. */
export async function listenLoopback(server) {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  };
}
