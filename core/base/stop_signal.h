/*
 * SIGINT/SIGTERM as an event a poll loop can wait for: the handler sets a flag and writes to
 * a self-pipe whose read end the transport polls. The flag and the pipe are the one piece of
 * process-wide state here (a signal handler can reach nothing else). One user at a time.
 */
#ifndef MISTMCP_CORE_BASE_STOP_SIGNAL_H
#define MISTMCP_CORE_BASE_STOP_SIGNAL_H

/* Installs the handlers (and ignores SIGPIPE). Returns the fd to poll, or -1. */
int mm_stop_signal_install(void);
/* 1 once SIGINT or SIGTERM arrived. */
int mm_stop_signal_requested(void);
/* Closes the pipe; the handlers stay but only set the flag. */
void mm_stop_signal_release(void);

#endif
