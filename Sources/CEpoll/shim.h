#ifndef STORYARCHIVE_CEPOLL_SHIM_H
#define STORYARCHIVE_CEPOLL_SHIM_H
// The Linux readiness API the transport's I/O loops wait in; the Glibc module does not
// include these headers. Nothing to link: the functions are in libc.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif
