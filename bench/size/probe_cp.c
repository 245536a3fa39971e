/* Compile-time size probe for scripts/size.sh: the sizes of these arrays are
 * read back from the object file with `nm -S`; nothing runs on the target.
 * A build failure (e.g. the header is missing) makes the report say "n/a". */
#include "ocpp/ocpp_cp.h"

extern const char ocpp_size_probe_cp[sizeof(ocpp_cp_t)];
const char ocpp_size_probe_cp[sizeof(ocpp_cp_t)] = {0};

extern const char ocpp_size_probe_max_connectors[OCPP_CONFIG_MAX_CONNECTORS];
const char ocpp_size_probe_max_connectors[OCPP_CONFIG_MAX_CONNECTORS] = {0};
