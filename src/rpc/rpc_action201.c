/**
 * @file rpc_action201.c
 * @brief OCPP 2.0.1 action names: the messages of OCPP 2.0.1 Part 2 (both
 *        directions), as named in the CALL frame (OCPP-J 2.0.1 §4.1.6: the
 *        message name without the "Request" suffix).
 */
#include <string.h>

#include "rpc/rpc.h"

/* Sorted by strcmp() (binary search; tests/unit/test_rpc.c checks the order
 * and the count against the 64 request schemas of OCPP 2.0.1 Part 3). */
static const char *const names201[] = {
    "Authorize",
    "BootNotification",
    "CancelReservation",
    "CertificateSigned",
    "ChangeAvailability",
    "ClearCache",
    "ClearChargingProfile",
    "ClearDisplayMessage",
    "ClearVariableMonitoring",
    "ClearedChargingLimit",
    "CostUpdated",
    "CustomerInformation",
    "DataTransfer",
    "DeleteCertificate",
    "FirmwareStatusNotification",
    "Get15118EVCertificate",
    "GetBaseReport",
    "GetCertificateStatus",
    "GetChargingProfiles",
    "GetCompositeSchedule",
    "GetDisplayMessages",
    "GetInstalledCertificateIds",
    "GetLocalListVersion",
    "GetLog",
    "GetMonitoringReport",
    "GetReport",
    "GetTransactionStatus",
    "GetVariables",
    "Heartbeat",
    "InstallCertificate",
    "LogStatusNotification",
    "MeterValues",
    "NotifyChargingLimit",
    "NotifyCustomerInformation",
    "NotifyDisplayMessages",
    "NotifyEVChargingNeeds",
    "NotifyEVChargingSchedule",
    "NotifyEvent",
    "NotifyMonitoringReport",
    "NotifyReport",
    "PublishFirmware",
    "PublishFirmwareStatusNotification",
    "ReportChargingProfiles",
    "RequestStartTransaction",
    "RequestStopTransaction",
    "ReservationStatusUpdate",
    "ReserveNow",
    "Reset",
    "SecurityEventNotification",
    "SendLocalList",
    "SetChargingProfile",
    "SetDisplayMessage",
    "SetMonitoringBase",
    "SetMonitoringLevel",
    "SetNetworkProfile",
    "SetVariableMonitoring",
    "SetVariables",
    "SignCertificate",
    "StatusNotification",
    "TransactionEvent",
    "TriggerMessage",
    "UnlockConnector",
    "UnpublishFirmware",
    "UpdateFirmware",
};

#define N_NAMES (sizeof names201 / sizeof names201[0])

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

bool ocpp_rpc_action201_known(const char *name, size_t len)
{
    size_t lo = 0;
    size_t hi = N_NAMES;
    if (name == NULL || len == 0u || len > OCPP_RPC_ACTION201_MAX) {
        return false;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2u;
        int c = compare(name, len, names201[mid]);
        if (c == 0) {
            return true;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1u;
        }
    }
    return false;
}
