/* Empty: tests/shim/posix/win_posix.h (force-included) gives Winsock in its place. */
