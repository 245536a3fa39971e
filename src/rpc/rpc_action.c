/**
 * @file rpc_action.c
 * @brief OCPP 1.6 action names (OCPP 1.6 edition 2 and the "Improved
 *        security for OCPP 1.6-J" whitepaper, edition 3).
 */
#include <string.h>

#include "rpc/rpc.h"

/* Indexed by ocpp_rpc_action_t and sorted by strcmp() (the lookup is a binary
 * search; tests/unit/test_rpc.c checks the order and every name), packed:
 * the names one after the other, each ending in NUL, entry 0 ("") being
 * OCPP_ACTION_UNKNOWN's. A pointer table would cost 4 bytes a name;
 * name_lo[] costs 1: the low byte of each name's offset (and of the end,
 * for the length of the last), the high byte being the number of times the
 * offsets passed a multiple of 256 before it, at names HI1 and HI2. */
static const char action_names[] = "\0"
                                   "Authorize\0"
                                   "BootNotification\0"
                                   "CancelReservation\0"
                                   "CertificateSigned\0"
                                   "ChangeAvailability\0"
                                   "ChangeConfiguration\0"
                                   "ClearCache\0"
                                   "ClearChargingProfile\0"
                                   "DataTransfer\0"
                                   "DeleteCertificate\0"
                                   "DiagnosticsStatusNotification\0"
                                   "ExtendedTriggerMessage\0"
                                   "FirmwareStatusNotification\0"
                                   "GetCompositeSchedule\0"
                                   "GetConfiguration\0"
                                   "GetDiagnostics\0"
                                   "GetInstalledCertificateIds\0"
                                   "GetLocalListVersion\0"
                                   "GetLog\0"
                                   "Heartbeat\0"
                                   "InstallCertificate\0"
                                   "LogStatusNotification\0"
                                   "MeterValues\0"
                                   "RemoteStartTransaction\0"
                                   "RemoteStopTransaction\0"
                                   "ReserveNow\0"
                                   "Reset\0"
                                   "SecurityEventNotification\0"
                                   "SendLocalList\0"
                                   "SetChargingProfile\0"
                                   "SignCertificate\0"
                                   "SignedFirmwareStatusNotification\0"
                                   "SignedUpdateFirmware\0"
                                   "StartTransaction\0"
                                   "StatusNotification\0"
                                   "StopTransaction\0"
                                   "TriggerMessage\0"
                                   "UnlockConnector\0"
                                   "UpdateFirmware";

#define HI1 15 /* GetConfiguration */
#define HI2 30 /* SetChargingProfile */

static const uint8_t name_lo[OCPP_ACTION_COUNT_ + 1] = {
    0,   1,   11, 28, 46, 64, 83, 103, 114, 135, 148, 166, 196, 219,
    246, 11,  28, 43, 70, 90, 97, 107, 126, 148, 160, 183, 205, 216,
    222, 248, 6,  25, 41, 74, 95, 112, 131, 147, 162, 178, 193};

/** Offset of name i (0..OCPP_ACTION_COUNT_, the last being the end). */
static size_t name_at(size_t i)
{
    return name_lo[i] + (i >= HI1 ? (i >= HI2 ? 512u : 256u) : 0u);
}

const char *ocpp_rpc_action_name(ocpp_rpc_action_t action)
{
    size_t i = (size_t)action;
    return action_names + (i < (size_t)OCPP_ACTION_COUNT_ ? name_at(i) : 0u);
}

ocpp_rpc_action_t ocpp_rpc_action_lookup(const char *name, size_t len)
{
    size_t lo = 1;
    size_t hi = (size_t)OCPP_ACTION_COUNT_;
    if (name == NULL || len == 0) {
        return OCPP_ACTION_UNKNOWN;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2u;
        size_t at = name_at(mid);
        size_t n = name_at(mid + 1u) - at - 1u;
        /* strcmp() order of name[0..len) and the name at `at`. */
        int c = memcmp(name, action_names + at, len < n ? len : n);
        if (c == 0) {
            if (len == n) {
                return (ocpp_rpc_action_t)mid;
            }
            c = len < n ? -1 : 1;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1u;
        }
    }
    return OCPP_ACTION_UNKNOWN;
}
