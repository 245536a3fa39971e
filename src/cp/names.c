/**
 * @file names.c
 * @brief Wire names of the charge point's enums (OCPP 1.6 §7.6, §7.7).
 */
#include "ocpp/ocpp_cp.h"

const char *ocpp_cp_conn_str(ocpp_cp_conn_t c)
{
    static const char *const names[] = {"offline", "connecting", "booting",
                                        "pending", "accepted",   "rejected"};
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "?";
}

const char *ocpp_cp_status_str(ocpp_cp_status_t s)
{
    static const char *const names[] = {"Available",     "Preparing",   "Charging",
                                        "SuspendedEVSE", "SuspendedEV", "Finishing",
                                        "Reserved",      "Unavailable", "Faulted"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

const char *ocpp_cp_error_str(ocpp_cp_error_t e)
{
    static const char *const names[] = {
        "NoError",           "ConnectorLockFailure", "EVCommunicationError",
        "GroundFailure",     "HighTemperature",      "InternalError",
        "LocalListConflict", "OtherError",           "OverCurrentFailure",
        "OverVoltage",       "PowerMeterFailure",    "PowerSwitchFailure",
        "ReaderFailure",     "ResetFailure",         "UnderVoltage",
        "WeakSignal"};
    return (unsigned)e < sizeof names / sizeof names[0] ? names[e] : "?";
}

const char *ocpp_stop_reason_str(ocpp_stop_reason_t r)
{
    static const char *const names[] = {
        "Local",     "DeAuthorized", "EmergencyStop", "EVDisconnected", "HardReset",    "Other",
        "PowerLoss", "Reboot",       "Remote",        "SoftReset",      "UnlockCommand"};
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "?";
}
