/**
 * @file ocpp_status.h
 * @brief Status codes returned by every fallible ocpp-c function.
 *
 * OCPP_OK is zero, OCPP_PENDING is positive ("not finished, call again
 * later"), every error is negative. Functions that return a byte count as an
 * int32_t use the same negative values for their errors, so a caller can write
 * `if (n < 0) return (ocpp_status_t)n;`.
 */
#ifndef OCPP_STATUS_H
#define OCPP_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/** Result of an ocpp-c call. Print it with ocpp_status_str(). */
typedef enum {
    OCPP_OK = 0,                /**< Success. */
    OCPP_PENDING = 1,           /**< In progress; call again on a later poll. */
    OCPP_ERR_PARAM = -1,        /**< A NULL pointer or an argument out of its domain. */
    OCPP_ERR_NOMEM = -2,        /**< The caller's buffer is too small. Nothing was truncated. */
    OCPP_ERR_PARSE = -3,        /**< Malformed input (bad JSON, bad frame, bad header). */
    OCPP_ERR_PARTIAL = -4,      /**< Input ends before the value/frame is complete. */
    OCPP_ERR_DEPTH = -5,        /**< Nesting deeper than OCPP_CONFIG_JSON_MAX_DEPTH. */
    OCPP_ERR_NOT_FOUND = -6,    /**< The key, path, record or item does not exist. */
    OCPP_ERR_TYPE = -7,         /**< The value exists but has another type. */
    OCPP_ERR_RANGE = -8,        /**< The value is out of range or overflows. */
    OCPP_ERR_BUSY = -9,         /**< A resource is in use (e.g. a CALL is outstanding). */
    OCPP_ERR_IO = -10,          /**< The transport or storage failed. */
    OCPP_ERR_CLOSED = -11,      /**< The connection was closed. */
    OCPP_ERR_TIMEOUT = -12,     /**< No answer in time. */
    OCPP_ERR_PROTOCOL = -13,    /**< The peer broke the protocol (WebSocket, HTTP, OCPP-J). */
    OCPP_ERR_TLS = -14,         /**< TLS handshake or certificate verification failed. */
    OCPP_ERR_AUTH = -15,        /**< The server refused our credentials (HTTP 401/403). */
    OCPP_ERR_STATE = -16,       /**< The call is not allowed in the current state. */
    OCPP_ERR_UNSUPPORTED = -17, /**< The feature is compiled out or not implemented. */
    OCPP_ERR_DNS = -18,         /**< The host name could not be resolved. */
    OCPP_ERR_TOO_LARGE = -19    /**< An incoming message exceeds the configured maximum. */
} ocpp_status_t;

/**
 * @brief A constant, human-readable name for a status ("OCPP_ERR_NOMEM").
 * @return Never NULL; "OCPP_ERR_?" for values outside the enum.
 */
const char *ocpp_status_str(ocpp_status_t status);

#ifdef __cplusplus
}
#endif

#endif /* OCPP_STATUS_H */
