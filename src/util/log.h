/**
 * @file log.h
 * @brief Logging through the log port (ocpp_logger_t). The library never
 *        formats text itself (the port's log function does), so a port
 *        without logging pulls in no printf. LOG* above
 *        OCPP_CONFIG_LOG_LEVEL cost no code.
 */
#ifndef OCPP_UTIL_LOG_H
#define OCPP_UTIL_LOG_H

#include "ocpp/ocpp_cp.h"

/** Forward a printf-style line to the logger (fn NULL: dropped). Lines do
 *  not name the charge point: the port's log context does (ports.log_ctx,
 *  e.g. ocpp_posix_log_t.prefix), one per charge point. */
void ocpp_logf(const ocpp_logger_t *lg, ocpp_log_level_t level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#if OCPP_CONFIG_LOG_LEVEL >= 1
#define LOGE(lg, ...) ocpp_logf((lg), OCPP_LOG_ERROR, __VA_ARGS__)
#else
#define LOGE(lg, ...) ((void)(lg))
#endif
#if OCPP_CONFIG_LOG_LEVEL >= 2
#define LOGW(lg, ...) ocpp_logf((lg), OCPP_LOG_WARN, __VA_ARGS__)
#else
#define LOGW(lg, ...) ((void)(lg))
#endif
#if OCPP_CONFIG_LOG_LEVEL >= 3
#define LOGI(lg, ...) ocpp_logf((lg), OCPP_LOG_INFO, __VA_ARGS__)
#else
#define LOGI(lg, ...) ((void)(lg))
#endif
#if OCPP_CONFIG_LOG_LEVEL >= 4
#define LOGD(lg, ...) ocpp_logf((lg), OCPP_LOG_DEBUG, __VA_ARGS__)
#else
#define LOGD(lg, ...) ((void)(lg))
#endif

/** Wrap-safe "a is at or after b" for uint32 millisecond stamps. */
static inline int ocpp_due(uint32_t now, uint32_t at)
{
    return (int32_t)(now - at) >= 0;
}

#endif /* OCPP_UTIL_LOG_H */
