/*
 * A loopback port that refuses connections for the life of the process, for tests whose Mist
 * client must fail at once without anything leaving the machine: bound to 127.0.0.1 (so no
 * other process takes it) and never listened on, so a connection is refused by the kernel.
 * The socket stays open until the process exits (on purpose: closing it frees the port).
 * Aborts, saying why, if no port can be had. Not thread-safe against fork; call it at set-up.
 */
#ifndef MISTMCP_TESTS_REFUSING_PORT_H
#define MISTMCP_TESTS_REFUSING_PORT_H

/* The port number (host order). */
int mm_test_refusing_port(void);

#endif
