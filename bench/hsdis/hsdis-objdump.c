/*
 * A minimal hsdis plug-in for HotSpot's -XX:+PrintAssembly that hands each code blob to binutils' objdump.
 * Diagnostic use only (it forks objdump per blob). Capstone 4 (Debian's) loses sync on some EVEX instructions,
 * and objdump 2.40 decodes them all. Build and use: see bench/hsdis/build.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef void* (*event_callback_t)(void*, const char*, void*);
typedef int (*printf_callback_t)(void*, const char*, ...);

void* decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va, unsigned char* buffer, uintptr_t length,
                                  event_callback_t event_callback, void* event_stream,
                                  printf_callback_t printf_callback, void* printf_stream,
                                  const char* options, int newline) {
    char path[] = "/tmp/hsdisXXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return NULL;
    if (write(fd, buffer, length) != (ssize_t) length) { close(fd); unlink(path); return NULL; }
    close(fd);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "objdump -D -b binary -m i386:x86-64 -M intel --adjust-vma=0x%lx %s | tail -n +8",
             (unsigned long) start_va, path);
    FILE* out = popen(cmd, "r");
    char line[512];
    while (out && fgets(line, sizeof line, out)) printf_callback(printf_stream, "%s", line);
    if (out) pclose(out);
    unlink(path);
    return (void*) end_va;
}
