/**
 * @file posix_log.c
 * @brief Log sink to stderr with level tag and monotonic timestamp.
 */
#define _POSIX_C_SOURCE 200809L

#include "ocpp/ocpp_posix.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/** Longest line written, including the newline. */
#define LOG_LINE_MAX 512u

static char level_tag(ocpp_log_level_t level)
{
    switch (level) {
    case OCPP_LOG_ERROR: return 'E';
    case OCPP_LOG_WARN: return 'W';
    case OCPP_LOG_INFO: return 'I';
    case OCPP_LOG_DEBUG: return 'D';
    default: return '?';
    }
}

/** Append "..." and the newline to a line cut at `used` bytes. */
static size_t finish_line(char *line, size_t used)
{
    if (used > LOG_LINE_MAX - 2u) {
        used = LOG_LINE_MAX - 5u;
        line[used++] = '.';
        line[used++] = '.';
        line[used++] = '.';
    }
    line[used++] = '\n';
    return used;
}

void ocpp_posix_log(void *ctx, ocpp_log_level_t level, const char *fmt, va_list ap)
{
    const ocpp_posix_log_t *cfg = ctx;
    if (fmt == NULL || (cfg != NULL && (int)level > (int)cfg->min_level)) {
        return;
    }
    struct timespec ts = {0, 0};
    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    char line[LOG_LINE_MAX];
    const char *prefix = (cfg != NULL && cfg->prefix != NULL) ? cfg->prefix : "";
    int n = snprintf(line, sizeof line, "[%6lld.%03ld] %c %s%s", (long long)ts.tv_sec,
                     (long)(ts.tv_nsec / 1000000L), level_tag(level), prefix,
                     prefix[0] != '\0' ? ": " : "");
    size_t used = (n < 0) ? 0u : (size_t)n;
    if (used < sizeof line) {
        int m = vsnprintf(line + used, sizeof line - used, fmt, ap);
        used += (m < 0) ? 0u : (size_t)m;
    }
    used = finish_line(line, used);
    /* One write() so that lines of several writers do not interleave. */
    (void)!write(STDERR_FILENO, line, used);
}
