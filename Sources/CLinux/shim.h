// Linux system calls that Swift's Glibc module does not import: epoll, eventfd, and the
// GNU-only accept4 (declared here because Glibc's headers hide it behind _GNU_SOURCE).
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
extern int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
#include <spawn.h>
// GNU extension (glibc 2.29+), hidden by Glibc's headers without _GNU_SOURCE.
extern int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *actions, const char *path);
