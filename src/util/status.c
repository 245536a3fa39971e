#include "ocpp/ocpp_status.h"

const char *ocpp_status_str(ocpp_status_t status)
{
    switch (status) {
    case OCPP_OK: return "OCPP_OK";
    case OCPP_PENDING: return "OCPP_PENDING";
    case OCPP_ERR_PARAM: return "OCPP_ERR_PARAM";
    case OCPP_ERR_NOMEM: return "OCPP_ERR_NOMEM";
    case OCPP_ERR_PARSE: return "OCPP_ERR_PARSE";
    case OCPP_ERR_PARTIAL: return "OCPP_ERR_PARTIAL";
    case OCPP_ERR_DEPTH: return "OCPP_ERR_DEPTH";
    case OCPP_ERR_NOT_FOUND: return "OCPP_ERR_NOT_FOUND";
    case OCPP_ERR_TYPE: return "OCPP_ERR_TYPE";
    case OCPP_ERR_RANGE: return "OCPP_ERR_RANGE";
    case OCPP_ERR_BUSY: return "OCPP_ERR_BUSY";
    case OCPP_ERR_IO: return "OCPP_ERR_IO";
    case OCPP_ERR_CLOSED: return "OCPP_ERR_CLOSED";
    case OCPP_ERR_TIMEOUT: return "OCPP_ERR_TIMEOUT";
    case OCPP_ERR_PROTOCOL: return "OCPP_ERR_PROTOCOL";
    case OCPP_ERR_TLS: return "OCPP_ERR_TLS";
    case OCPP_ERR_AUTH: return "OCPP_ERR_AUTH";
    case OCPP_ERR_STATE: return "OCPP_ERR_STATE";
    case OCPP_ERR_UNSUPPORTED: return "OCPP_ERR_UNSUPPORTED";
    case OCPP_ERR_DNS: return "OCPP_ERR_DNS";
    case OCPP_ERR_TOO_LARGE: return "OCPP_ERR_TOO_LARGE";
    }
    return "OCPP_ERR_?";
}
