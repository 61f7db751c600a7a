/* Empty: tests/winaot/posix/win_posix.h (force-included) gives Winsock in its place. */
