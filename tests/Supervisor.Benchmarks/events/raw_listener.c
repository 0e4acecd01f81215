/*
 * The fastest listener we can write: no childutils, no Python (see ../README.md, events/run.sh).
 * raw_listener COUNTER-FILE
 *
 * Reads stdin in big chunks, finds each header line's len: field, skips the payload, bumps an 8-byte
 * counter in COUNTER-FILE (mmap'ed, read by the benchmark at any moment) and answers with one write of
 * "RESULT 2\nOKREADY\n" (result and the next READY together, which the protocol allows), so the listener
 * is never what limits the rate: what is measured is the daemon's dispatch round trip.
 * len counts characters; the benchmark's payloads are ASCII, so bytes are characters here.
 */
#define _GNU_SOURCE /* memmem */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char buffer[1 << 20];

static void write_all(const char *data, size_t length) {
    while (length > 0) {
        ssize_t written = write(1, data, length);
        if (written <= 0) {
            exit(1);
        }
        data += written;
        length -= (size_t)written;
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: raw_listener COUNTER-FILE\n");
        return 2;
    }
    int fd = open(argv[1], O_RDWR);
    volatile uint64_t *counter = fd < 0 ? NULL : mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (counter == NULL || counter == MAP_FAILED) {
        perror(argv[1]);
        return 2;
    }
    size_t have = 0;
    uint64_t count = 0;
    write_all("READY\n", 6);
    for (;;) {
        char *newline;
        size_t needed = 0;
        /* One whole event (header line + len bytes) in the buffer, reading more until it is. */
        for (;;) {
            newline = memchr(buffer, '\n', have);
            if (newline != NULL) {
                char *len = memmem(buffer, (size_t)(newline - buffer), " len:", 5);
                if (len == NULL) {
                    fprintf(stderr, "no len: in the header\n");
                    return 1;
                }
                needed = (size_t)(newline - buffer) + 1 + strtoul(len + 5, NULL, 10);
                if (needed > sizeof buffer) {
                    fprintf(stderr, "event larger than the buffer\n");
                    return 1;
                }
                if (have >= needed) {
                    break;
                }
            }
            ssize_t got = read(0, buffer + have, sizeof buffer - have);
            if (got <= 0) {
                return 0; /* the daemon closed our stdin: it is stopping us */
            }
            have += (size_t)got;
        }
        *counter = ++count;
        memmove(buffer, buffer + needed, have - needed);
        have -= needed;
        write_all("RESULT 2\nOKREADY\n", 17);
    }
}
