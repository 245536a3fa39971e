/**
 * @file rpc_action.c
 * @brief OCPP 1.6 action names (OCPP 1.6 edition 2 and the "Improved
 *        security for OCPP 1.6-J" whitepaper, edition 3).
 */
#include <string.h>

#include "rpc/rpc.h"

/* Indexed by ocpp_rpc_action_t, sorted by strcmp() (the lookup is a binary
 * search; tests/unit/test_rpc.c checks the order). */
static const char *const action_names[OCPP_ACTION_COUNT_] = {
    "",
    "Authorize",
    "BootNotification",
    "CancelReservation",
    "CertificateSigned",
    "ChangeAvailability",
    "ChangeConfiguration",
    "ClearCache",
    "ClearChargingProfile",
    "DataTransfer",
    "DeleteCertificate",
    "DiagnosticsStatusNotification",
    "ExtendedTriggerMessage",
    "FirmwareStatusNotification",
    "GetCompositeSchedule",
    "GetConfiguration",
    "GetDiagnostics",
    "GetInstalledCertificateIds",
    "GetLocalListVersion",
    "GetLog",
    "Heartbeat",
    "InstallCertificate",
    "LogStatusNotification",
    "MeterValues",
    "RemoteStartTransaction",
    "RemoteStopTransaction",
    "ReserveNow",
    "Reset",
    "SecurityEventNotification",
    "SendLocalList",
    "SetChargingProfile",
    "SignCertificate",
    "SignedFirmwareStatusNotification",
    "SignedUpdateFirmware",
    "StartTransaction",
    "StatusNotification",
    "StopTransaction",
    "TriggerMessage",
    "UnlockConnector",
    "UpdateFirmware",
};

const char *ocpp_rpc_action_name(ocpp_rpc_action_t action)
{
    size_t i = (size_t)action;
    return i < (size_t)OCPP_ACTION_COUNT_ ? action_names[i] : "";
}

/** strcmp() of name[0..len) against the C string s. */
static int compare(const char *name, size_t len, const char *s)
{
    size_t n = strlen(s);
    int c = memcmp(name, s, len < n ? len : n);
    if (c != 0) {
        return c;
    }
    return len < n ? -1 : (len > n ? 1 : 0);
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
        int c = compare(name, len, action_names[mid]);
        if (c == 0) {
            return (ocpp_rpc_action_t)mid;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1u;
        }
    }
    return OCPP_ACTION_UNKNOWN;
}
