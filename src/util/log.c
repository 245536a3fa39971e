#include <stdarg.h>

#include "util/log.h"

void ocpp_logf(const ocpp_logger_t *lg, ocpp_log_level_t level, const char *fmt, ...)
{
    if (lg->fn == NULL) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    lg->fn(lg->ctx, level, fmt, ap);
    va_end(ap);
}
