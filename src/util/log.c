#include "util/log.h"

#include <stdarg.h>

void ocpp_log_emit(ocpp_log_fn fn, void *ctx, ocpp_log_level_t level, const char *fmt, ...)
{
    if (fn == NULL) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    fn(ctx, level, fmt, ap);
    va_end(ap);
}
