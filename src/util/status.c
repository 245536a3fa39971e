#include "ocpp/ocpp_status.h"
#include "util/text.h"

const char *ocpp_status_str(ocpp_status_t status)
{
    /* Index 1 - status: OCPP_PENDING (1), OCPP_OK (0), then OCPP_ERR_PARAM (-1)
     * to OCPP_ERR_TOO_LARGE (-19); anything else wraps past the end. */
    return ocpp_text_nth("OCPP_PENDING\0OCPP_OK\0OCPP_ERR_PARAM\0OCPP_ERR_NOMEM\0OCPP_ERR_PARSE\0"
                         "OCPP_ERR_PARTIAL\0OCPP_ERR_DEPTH\0OCPP_ERR_NOT_FOUND\0OCPP_ERR_TYPE\0"
                         "OCPP_ERR_RANGE\0OCPP_ERR_BUSY\0OCPP_ERR_IO\0OCPP_ERR_CLOSED\0"
                         "OCPP_ERR_TIMEOUT\0OCPP_ERR_PROTOCOL\0OCPP_ERR_TLS\0OCPP_ERR_AUTH\0"
                         "OCPP_ERR_STATE\0OCPP_ERR_UNSUPPORTED\0OCPP_ERR_DNS\0OCPP_ERR_TOO_LARGE",
                         2u - (unsigned)OCPP_ERR_TOO_LARGE, 1u - (unsigned)status, "OCPP_ERR_?");
}
