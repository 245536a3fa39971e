/**
 * @file log.h
 * @brief Internal logging macros. A message above OCPP_CONFIG_LOG_LEVEL costs
 *        no code; the library never formats text itself (the port's log
 *        function does), so a port without logging pulls in no printf.
 */
#ifndef OCPP_UTIL_LOG_H
#define OCPP_UTIL_LOG_H

#include "ocpp/ocpp_config_defaults.h"
#include "ocpp/ocpp_port.h"

/** Forward a printf-style message to `fn` (NULL: dropped). */
void ocpp_log_emit(ocpp_log_fn fn, void *ctx, ocpp_log_level_t level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#if OCPP_CONFIG_LOG_LEVEL >= 1
#define OCPP_LOGE(fn, ctx, ...) ocpp_log_emit((fn), (ctx), OCPP_LOG_ERROR, __VA_ARGS__)
#else
#define OCPP_LOGE(fn, ctx, ...) ((void)(fn), (void)(ctx))
#endif
#if OCPP_CONFIG_LOG_LEVEL >= 2
#define OCPP_LOGW(fn, ctx, ...) ocpp_log_emit((fn), (ctx), OCPP_LOG_WARN, __VA_ARGS__)
#else
#define OCPP_LOGW(fn, ctx, ...) ((void)(fn), (void)(ctx))
#endif
#if OCPP_CONFIG_LOG_LEVEL >= 3
#define OCPP_LOGI(fn, ctx, ...) ocpp_log_emit((fn), (ctx), OCPP_LOG_INFO, __VA_ARGS__)
#else
#define OCPP_LOGI(fn, ctx, ...) ((void)(fn), (void)(ctx))
#endif
#if OCPP_CONFIG_LOG_LEVEL >= 4
#define OCPP_LOGD(fn, ctx, ...) ocpp_log_emit((fn), (ctx), OCPP_LOG_DEBUG, __VA_ARGS__)
#else
#define OCPP_LOGD(fn, ctx, ...) ((void)(fn), (void)(ctx))
#endif

#endif /* OCPP_UTIL_LOG_H */
