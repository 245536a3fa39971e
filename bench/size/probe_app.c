/* Compile-time size probe for scripts/size.sh (see probe_cp.c): the EVSE
 * application's context. */
#include "ocpp/evse.h"

extern const char ocpp_size_probe_evse[sizeof(evse_t)];
const char ocpp_size_probe_evse[sizeof(evse_t)] = {0};
