/* Compile-time size probe for scripts/size.sh (see probe_cp.c). */
#include "ocpp/ocpp_ws.h"

extern const char ocpp_size_probe_ws[sizeof(ocpp_ws_t)];
const char ocpp_size_probe_ws[sizeof(ocpp_ws_t)] = {0};
