/**
 * @file rpc.h
 * @brief OCPP-J RPC framing (private to the library): parsing of CALL /
 *        CALLRESULT / CALLERROR frames, writers for them, message ids, the
 *        one-outstanding-CALL tracker, the OCPP 1.6 and 2.0.1 action names,
 *        dispatch of incoming CALLs to handlers, and payload field helpers
 *        that map bad input to the right CALLERROR code. OCPP-J 1.6 unless a
 *        function takes a dialect (ocpp_rpc_dialect_t: the OCPP-J 2.0.1
 *        differences are documented where they apply).
 *
 * Frames (OCPP-J 1.6 §4.1.2-§4.2.3):
 *   CALL       [2, "<UniqueId>", "<Action>", {<Payload>}]
 *   CALLRESULT [3, "<UniqueId>", {<Payload>}]
 *   CALLERROR  [4, "<UniqueId>", "<errorCode>", "<errorDescription>", {<errorDetails>}]
 *
 * Choice of error codes. OCPP-J 1.6 §4.2.3 Table 7 "Valid Error Codes"
 * defines the codes but not which one applies when; our reading:
 *   - FormationViolation, "Payload for Action is syntactically incorrect or
 *     not conform the PDU structure for Action": invalid JSON, a frame that is
 *     no array of the right length, an action name that is no string, a CALL
 *     payload that is neither an object nor null, an id over 36 characters
 *     (§4.2.3 lists "unique identifier too long" among the CallError cases).
 *   - TypeConstraintViolation, "at least one of the fields violates data type
 *     constraints (e.g. "somestring": 12)": a payload field of the wrong JSON
 *     type (a string where a number is due, 1.5 for an integer, null).
 *   - PropertyConstraintViolation, "Payload is syntactically correct but at
 *     least one field contains an invalid value": a number out of range, a
 *     string not in its enumeration, a string longer than its CiString
 *     maximum, a dateTime string that is no valid date-time. The OCPP 1.6
 *     errata sheet uses this code for an invalid enumeration value and an
 *     invalid connectorId in GetCompositeSchedule/SetChargingProfile
 *     ("SHALL respond with RPC Framework CALLERROR:
 *     PropertyConstraintViolation (JSON)").
 *   - OccurenceConstraintViolation, "at least one of the fields violates
 *     occurrence constraints": a missing required field (its minimum
 *     occurrence is 1), or an array with too many elements. Table 7 also has
 *     ProtocolError, "Payload for Action is incomplete", which could be read
 *     as "a required field is missing"; neither the OCPP-J 1.6 errata sheet
 *     nor the OCPP 1.6 errata sheet settle it (the only erratum on the code,
 *     §5.1, is about its spelling). We use OccurenceConstraintViolation, the
 *     more specific code, as ocpp-go and the SAP simulator do; ProtocolError
 *     is left to handlers.
 *   - Spelling: OCPP-J 1.6 errata §5.1 "Typo in enum" ... "Do not fix, this is
 *     a message level change, might break implementations", and §5.2 the same
 *     for FormationViolation (2.0.1's FormatViolation). So 1.6 sends
 *     "OccurenceConstraintViolation" (one r) and "FormationViolation".
 *   - NotImplemented, "Requested Action is not known by receiver": an action
 *     name that is no OCPP 1.6 action. NotSupported, "Requested Action is
 *     recognized but not supported by the receiver": a 1.6 action that this
 *     build does not handle (profile compiled out, or a CP-to-CS action).
 *   - InternalError, "An internal error occurred and the receiver was not able
 *     to process the requested Action successfully": our answer does not fit
 *     the transmit buffer, or the CALL did not fit the receive buffer.
 *   - An unknown MessageTypeId is NOT answered: §4.1.3 "When a server receives
 *     a message with a Message Type Number not in this list, it SHALL ignore
 *     the message payload." (An answer would also be wrong for the message
 *     types later OCPP versions add, e.g. 2.1's SEND, which has no answer.)
 *   - A malformed CALLRESULT or CALLERROR is not answered either: a CallError
 *     is a response to a CALL (§4.2.3), and the peer has no CALL to match it.
 *
 * No heap, no globals; every function is reentrant.
 */
#ifndef OCPP_RPC_H
#define OCPP_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp/ocpp_json.h"
#include "ocpp/ocpp_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** OCPP-J 1.6 §4.1.4 Table 3: messageId "Maximum of 36 characters". */
#define OCPP_RPC_ID_MAX 36u

/**
 * Bytes to hold a decoded incoming message id and its NUL: 36 characters
 * of up to 4 UTF-8 bytes each.
 */
#define OCPP_RPC_ID_BUF (4u * OCPP_RPC_ID_MAX + 1u)

/** Length of "2026-11-22T05:52:08.000Z" (without NUL). */
#define OCPP_RPC_DATETIME_LEN 24u

/**
 * Smallest writer capacity for which ocpp_rpc_dispatch() and
 * ocpp_rpc_write_error() can always produce a CALLERROR (with an empty
 * description if the description does not fit): the frame overhead plus an
 * id of 36 characters each escaped as \\u00XX.
 */
#define OCPP_RPC_ERROR_MIN_CAP (6u * OCPP_RPC_ID_MAX + 48u)

/** MessageTypeNumber (OCPP-J 1.6 §4.1.3 Table 2). */
typedef enum { OCPP_RPC_CALL = 2, OCPP_RPC_CALLRESULT = 3, OCPP_RPC_CALLERROR = 4 } ocpp_rpc_type_t;

/** CALLERROR error codes (OCPP-J 1.6 §4.2.3), plus OK for "no error". */
typedef enum {
    OCPP_RPC_OK = 0,                   /**< No error (never sent). */
    OCPP_RPC_ERR_NOT_IMPLEMENTED,      /**< "NotImplemented" */
    OCPP_RPC_ERR_NOT_SUPPORTED,        /**< "NotSupported" */
    OCPP_RPC_ERR_INTERNAL,             /**< "InternalError" */
    OCPP_RPC_ERR_PROTOCOL,             /**< "ProtocolError" */
    OCPP_RPC_ERR_SECURITY,             /**< "SecurityError" */
    OCPP_RPC_ERR_FORMATION_VIOLATION,  /**< "FormationViolation" */
    OCPP_RPC_ERR_PROPERTY_CONSTRAINT,  /**< "PropertyConstraintViolation" */
    OCPP_RPC_ERR_OCCURENCE_CONSTRAINT, /**< "OccurenceConstraintViolation" (sic) */
    OCPP_RPC_ERR_TYPE_CONSTRAINT,      /**< "TypeConstraintViolation" */
    OCPP_RPC_ERR_GENERIC,              /**< "GenericError" */
    /* OCPP-J 2.0.1 only (§4.3 Table 8); 1.6 has no such code: GenericError there. */
    OCPP_RPC_ERR_RPC_FRAMEWORK,             /**< "RpcFrameworkError" */
    OCPP_RPC_ERR_MESSAGE_TYPE_NOT_SUPPORTED /**< "MessageTypeNotSupported" */
} ocpp_rpc_err_t;

/**
 * @brief The exact OCPP-J 1.6 wire string of an error code ("FormationViolation").
 * @return Never NULL: "GenericError" for OCPP_RPC_OK, out-of-range values
 *         and the 2.0.1-only codes (so that a CALLERROR written from a bogus
 *         code is still valid).
 */
const char *ocpp_rpc_err_str(ocpp_rpc_err_t err);

/** Which OCPP-J: the spellings of two CALLERROR codes differ. */
typedef enum { OCPP_RPC_DIALECT_16 = 0, OCPP_RPC_DIALECT_201 } ocpp_rpc_dialect_t;

/**
 * @brief The wire string of an error code in an OCPP-J dialect: 2.0.1 spells
 *        "FormatViolation" and "OccurrenceConstraintViolation" (OCPP-J
 *        2.0.1 §4.3), 1.6 keeps its typos (errata §5.1, §5.2); the 2.0.1-only
 *        codes (RpcFrameworkError, MessageTypeNotSupported) are GenericError
 *        in 1.6.
 */
const char *ocpp_rpc_err_name(ocpp_rpc_err_t err, ocpp_rpc_dialect_t dialect);

/**
 * @brief Error code from its wire string (a JSON string value, as received
 *        in a CALLERROR). Unknown codes give OCPP_RPC_ERR_GENERIC.
 */
ocpp_rpc_err_t ocpp_rpc_err_from_json(const ocpp_json_value_t *v);

/* ------------------------------------------------------------------------ */
/* OCPP 1.6 actions                                                          */
/* ------------------------------------------------------------------------ */

/**
 * Every OCPP 1.6 action, both directions, all feature profiles, plus the
 * messages of the "Improved security for OCPP 1.6-J" whitepaper. Sorted by
 * name (the lookup relies on it).
 */
typedef enum {
    OCPP_ACTION_UNKNOWN = 0, /**< Not an OCPP 1.6 action name. */
    OCPP_ACTION_AUTHORIZE,
    OCPP_ACTION_BOOT_NOTIFICATION,
    OCPP_ACTION_CANCEL_RESERVATION,
    OCPP_ACTION_CERTIFICATE_SIGNED,
    OCPP_ACTION_CHANGE_AVAILABILITY,
    OCPP_ACTION_CHANGE_CONFIGURATION,
    OCPP_ACTION_CLEAR_CACHE,
    OCPP_ACTION_CLEAR_CHARGING_PROFILE,
    OCPP_ACTION_DATA_TRANSFER,
    OCPP_ACTION_DELETE_CERTIFICATE,
    OCPP_ACTION_DIAGNOSTICS_STATUS_NOTIFICATION,
    OCPP_ACTION_EXTENDED_TRIGGER_MESSAGE,
    OCPP_ACTION_FIRMWARE_STATUS_NOTIFICATION,
    OCPP_ACTION_GET_COMPOSITE_SCHEDULE,
    OCPP_ACTION_GET_CONFIGURATION,
    OCPP_ACTION_GET_DIAGNOSTICS,
    OCPP_ACTION_GET_INSTALLED_CERTIFICATE_IDS,
    OCPP_ACTION_GET_LOCAL_LIST_VERSION,
    OCPP_ACTION_GET_LOG,
    OCPP_ACTION_HEARTBEAT,
    OCPP_ACTION_INSTALL_CERTIFICATE,
    OCPP_ACTION_LOG_STATUS_NOTIFICATION,
    OCPP_ACTION_METER_VALUES,
    OCPP_ACTION_REMOTE_START_TRANSACTION,
    OCPP_ACTION_REMOTE_STOP_TRANSACTION,
    OCPP_ACTION_RESERVE_NOW,
    OCPP_ACTION_RESET,
    OCPP_ACTION_SECURITY_EVENT_NOTIFICATION,
    OCPP_ACTION_SEND_LOCAL_LIST,
    OCPP_ACTION_SET_CHARGING_PROFILE,
    OCPP_ACTION_SIGN_CERTIFICATE,
    OCPP_ACTION_SIGNED_FIRMWARE_STATUS_NOTIFICATION,
    OCPP_ACTION_SIGNED_UPDATE_FIRMWARE,
    OCPP_ACTION_START_TRANSACTION,
    OCPP_ACTION_STATUS_NOTIFICATION,
    OCPP_ACTION_STOP_TRANSACTION,
    OCPP_ACTION_TRIGGER_MESSAGE,
    OCPP_ACTION_UNLOCK_CONNECTOR,
    OCPP_ACTION_UPDATE_FIRMWARE,
    OCPP_ACTION_COUNT_ /**< Number of values (not an action). */
} ocpp_rpc_action_t;

/**
 * @brief The wire name of an action ("BootNotification").
 * @return Never NULL; "" for OCPP_ACTION_UNKNOWN and out-of-range values.
 */
const char *ocpp_rpc_action_name(ocpp_rpc_action_t action);

/**
 * @brief Action from its name (exact, case-sensitive: OCPP-J action names are
 *        case-sensitive). @return OCPP_ACTION_UNKNOWN if no 1.6 action.
 */
ocpp_rpc_action_t ocpp_rpc_action_lookup(const char *name, size_t len);

/* ------------------------------------------------------------------------ */
/* OCPP 2.0.1 actions                                                        */
/* ------------------------------------------------------------------------ */

/** Longest OCPP 2.0.1 action name ("PublishFirmwareStatusNotification"). */
#define OCPP_RPC_ACTION201_MAX 33u

/**
 * @brief True if name[0..len) is an OCPP 2.0.1 action: one of the 64
 *        messages of OCPP 2.0.1 Part 2 (both directions) without the
 *        "Request" suffix (OCPP-J 2.0.1 §4.1.6). Exact and case-sensitive
 *        (§4.2.1 Table 5: "a case-sensitive string").
 */
bool ocpp_rpc_action201_known(const char *name, size_t len);

/* ------------------------------------------------------------------------ */
/* Parsing                                                                   */
/* ------------------------------------------------------------------------ */

/** A parsed incoming message, or what to answer when it is malformed. */
typedef struct ocpp_rpc_frame {
    ocpp_rpc_type_t type; /**< Valid after OCPP_OK. */
    /**
     * True when a CALLERROR can be sent for this message: after OCPP_OK for a
     * CALL, and after OCPP_ERR_PARSE when the id of the bad CALL could be
     * recovered. False otherwise (then id_len is 0 too).
     */
    bool has_id;
    /**
     * Decoded message id (JSON escapes resolved), NUL-terminated. Up to 36
     * characters of up to 4 UTF-8 bytes; a too-long id (answered with
     * FormationViolation) is kept here if it fits in OCPP_RPC_ID_BUF - 1 bytes.
     */
    char id[OCPP_RPC_ID_BUF];
    size_t id_len; /**< Length of id in bytes (0: none, or an empty id). */
    /* CALL */
    ocpp_rpc_action_t action;      /**< OCPP_ACTION_UNKNOWN if the name is no 1.6 action. */
    ocpp_json_value_t action_name; /**< The action name (a JSON string value). */
    /**
     * CALL, CALLRESULT: the payload object (a payload `null`, which OCPP-J
     * 1.6 §4.2.1 allows for "no payload", is given as an empty object).
     * CALLERROR: errorDetails (any JSON value; not checked, see parse).
     */
    ocpp_json_value_t payload;
    /* Received CALLERROR */
    ocpp_json_value_t error_code;        /**< errorCode (a JSON string value). */
    ocpp_json_value_t error_description; /**< errorDescription (a JSON string value). */
    /**
     * After OCPP_OK for a CALLERROR: the received code (GenericError if
     * unknown). After OCPP_ERR_PARSE: the code to answer with. Else OK.
     */
    ocpp_rpc_err_t error;
    /** After OCPP_ERR_PARSE: a static description to answer with; else NULL. */
    const char *error_desc;
} ocpp_rpc_frame_t;

/**
 * @brief Parse one OCPP-J message (one WebSocket text message).
 *
 * On OCPP_OK, `out` describes a well-formed CALL, CALLRESULT or CALLERROR; the
 * slices point into msg, which must outlive their use. A CALL with an unknown
 * action name parses fine (action OCPP_ACTION_UNKNOWN; ocpp_rpc_dispatch()
 * answers it with NotImplemented).
 *
 * OCPP_ERR_PARSE: a CALL that is to be answered with the CALLERROR in
 * out->error / out->error_desc if out->has_id (else log and drop):
 *   - invalid JSON: FormationViolation; the id is recovered when the text
 *     starts like a CALL, `[2,"<id>",` (see ocpp_rpc_recover_id());
 *   - not an array, fewer than two elements, an id that is no string or
 *     does not fit OCPP_RPC_ID_BUF: FormationViolation, no id;
 *   - a CALL with an id longer than 36 characters, other than 4 elements, an
 *     action that is no string, a payload that is neither object nor null:
 *     FormationViolation with the id.
 *
 * OCPP_ERR_PROTOCOL: a message not to be answered at all (has_id false):
 * an unknown or non-numeric MessageTypeId (§4.1.3: "SHALL ignore"), a
 * malformed CALLRESULT (not 3 elements, payload neither object nor null)
 * or CALLERROR (not 5 elements, errorCode or errorDescription no string;
 * errorDetails is not checked: some servers send a string there, and the
 * reply must still end our CALL), a reply with a too-long id.
 *
 * @return OCPP_OK; OCPP_ERR_PARSE; OCPP_ERR_PROTOCOL; OCPP_ERR_PARAM for NULL
 *         msg/out (out, if not NULL, then has has_id false).
 */
ocpp_status_t ocpp_rpc_parse(const char *msg, size_t len, ocpp_rpc_frame_t *out);

/**
 * @brief ocpp_rpc_parse() with the rules of an OCPP-J dialect.
 *
 * OCPP_RPC_DIALECT_16 is ocpp_rpc_parse(). OCPP_RPC_DIALECT_201 (OCPP-J
 * 2.0.1, Part 4) differs in what is answered and with which code:
 *   - a message that is no valid RPC frame (invalid JSON, no array, fewer
 *     than two elements, an id that is no string or longer than 36
 *     characters, a CALL of other than 4 elements or with an action that is
 *     no string): RpcFrameworkError, "Content of the call is not a valid RPC
 *     Request, for example: MessageId could not be read" (§4.3 Table 8);
 *   - a CALL whose payload is neither object nor null: FormatViolation,
 *     "Payload for Action is syntactically incorrect";
 *   - a MessageTypeId that is a number other than 2, 3, 4:
 *     MessageTypeNotSupported (§4.4 "it SHALL respond with an CALLERROR
 *     with errorCode: MessageTypeNotSupported"; §4.1.3's "ignore the message
 *     payload" is kept: nothing of it is looked at but the id);
 *   - when the id cannot be read (or is longer than 36 characters, so that
 *     it cannot be echoed in a valid CALLERROR), the answer goes to id "-1"
 *     (§4.2.3: "When also the MessageId cannot be read, the CALLERROR SHALL
 *     contain "-1" as MessageId"): has_id is then true with id "-1".
 * Malformed CALLRESULTs and CALLERRORs are not answered in either dialect
 * (OCPP_ERR_PROTOCOL): a CALLERROR answers a CALL, and there is none.
 *
 * @return as ocpp_rpc_parse().
 */
ocpp_status_t ocpp_rpc_parse_d(const char *msg, size_t len, ocpp_rpc_dialect_t dialect,
                               ocpp_rpc_frame_t *out);

/**
 * @brief Recover the message id of a CALL that was too large to receive, from
 *        its first bytes (`prefix`, not valid JSON as a whole).
 *
 * Succeeds when the prefix starts as a CALL, `[2,"<id>"` (JSON whitespace
 * allowed) followed by ',' or the end of the prefix, with a valid JSON string
 * id of at most 36 characters. out->error is then InternalError with the
 * description "message too large": OCPP-J 1.6 has no code for this; the
 * message is well-formed as far as we know, so FormationViolation would
 * blame the sender wrongly, while Table 7's InternalError, "the receiver was
 * not able to process the requested Action", is what happened (our receive
 * buffer is the limit). It is the same code we send when our answer does not
 * fit the transmit buffer.
 *
 * @return OCPP_OK (answer out->error to out->id); OCPP_ERR_PARSE when no id
 *         can be recovered or the message is no CALL (nothing to answer: a
 *         too-large CALLRESULT or CALLERROR is dropped and our CALL times
 *         out); OCPP_ERR_PARAM for NULL.
 */
ocpp_status_t ocpp_rpc_recover_id(const char *prefix, size_t len, ocpp_rpc_frame_t *out);

/**
 * @brief An incoming message as it may be shown (application events, logs):
 *        security whitepaper ed. 3 A01.FR.12, "The Charge Point SHALL NOT
 *        disclose the content of the AuthorizationKey in its logging".
 *
 * A CALL ChangeConfiguration whose key is AuthorizationKey (any case, after
 * unescaping) is copied with its payload replaced by
 * `{"key":"AuthorizationKey","value":"****"}` (the rest of the frame as
 * received). A message that did not parse (f NULL) and names
 * AuthorizationKey anywhere is shown as `****`. The message itself is not
 * changed: it is handled as received.
 * @param f the parsed frame (ocpp_rpc_parse() returned OCPP_OK), or NULL.
 * @param out,cap where the masked copy goes (cut at cap; never a secret).
 * @return 0: the message may be shown as it is; else the length of the
 *         masked copy in out.
 */
size_t ocpp_rpc_mask_secret(const char *msg, size_t len, const ocpp_rpc_frame_t *f, char *out,
                            size_t cap);

/* ------------------------------------------------------------------------ */
/* Writing                                                                   */
/* ------------------------------------------------------------------------ */

/**
 * @brief Write `[2,"<id>","<Action>",` into a fresh writer; the caller then
 *        writes the payload object and calls ocpp_rpc_write_close().
 * @param id NUL-terminated message id (from ocpp_rpc_next_id()).
 */
void ocpp_rpc_write_call_open(ocpp_jw_t *jw, const char *id, ocpp_rpc_action_t action);

/** @brief The same with the action's name (any OCPP version's). */
void ocpp_rpc_write_call_open_name(ocpp_jw_t *jw, const char *id, const char *action);

/**
 * @brief Write `[3,"<id>",`; the caller then writes the payload object and
 *        calls ocpp_rpc_write_close().
 */
void ocpp_rpc_write_result_open(ocpp_jw_t *jw, const char *id, size_t id_len);

/** @brief Close the frame opened by ocpp_rpc_write_call_open()/_result_open(). */
void ocpp_rpc_write_close(ocpp_jw_t *jw);

/**
 * @brief Write a complete `[4,"<id>","<ErrorCode>","<description>",{}]`.
 *        If it does not fit with the description, it is written with an
 *        empty description (the writer is rewound first).
 * @param description NUL-terminated, may be NULL (empty).
 * @return OCPP_OK, or OCPP_ERR_NOMEM if even that does not fit (see
 *         OCPP_RPC_ERROR_MIN_CAP).
 */
ocpp_status_t ocpp_rpc_write_error(ocpp_jw_t *jw, const char *id, size_t id_len, ocpp_rpc_err_t err,
                                   const char *description);

/** @brief ocpp_rpc_write_error() with the code spelled as `dialect` has it. */
ocpp_status_t ocpp_rpc_write_error_d(ocpp_jw_t *jw, const char *id, size_t id_len,
                                     ocpp_rpc_err_t err, const char *description,
                                     ocpp_rpc_dialect_t dialect);

/* ------------------------------------------------------------------------ */
/* Message ids                                                               */
/* ------------------------------------------------------------------------ */

/** Message id generator state. */
typedef struct {
    uint32_t prefix;  /**< Random per boot. */
    uint32_t counter; /**< Next sequence number. */
} ocpp_rpc_ids_t;

/** @brief Seed the generator with 32 random bits (from the random port). */
void ocpp_rpc_ids_init(ocpp_rpc_ids_t *ids, uint32_t random_seed);

/**
 * @brief Next message id, "pppppppp-cccccccc" (17 ASCII characters: the
 *        random prefix and the counter in hex). Unique for 2^32 calls after
 *        init; across reboots, unique unless two boots draw the same prefix.
 * @param out at least OCPP_RPC_ID_MAX + 1 bytes; NUL-terminated.
 */
void ocpp_rpc_next_id(ocpp_rpc_ids_t *ids, char out[OCPP_RPC_ID_MAX + 1]);

/* ------------------------------------------------------------------------ */
/* Outstanding CALL (OCPP-J 1.6 §4.1.1: at most one per connection)          */
/* ------------------------------------------------------------------------ */

/** The one CALL we sent and wait an answer for. */
typedef struct {
    char id[OCPP_RPC_ID_MAX + 1];
    ocpp_rpc_action_t action;
    uint32_t sent_at_ms;
    bool active;
} ocpp_rpc_pending_t;

/**
 * @brief Record a CALL that was sent.
 * @return OCPP_OK; OCPP_ERR_BUSY if one is already outstanding;
 *         OCPP_ERR_PARAM for an id longer than 36 bytes.
 */
ocpp_status_t ocpp_rpc_pending_start(ocpp_rpc_pending_t *p, const char *id,
                                     ocpp_rpc_action_t action, uint32_t now_ms);

/** @brief True if a CALL is outstanding and its id equals id[0..id_len). */
bool ocpp_rpc_pending_match(const ocpp_rpc_pending_t *p, const char *id, size_t id_len);

/**
 * @brief True if a CALL is outstanding for timeout_ms or more. Wrap-safe:
 *        uses the unsigned difference now_ms - sent_at_ms, so it is right
 *        across the 2^32 ms wrap for any timeout below 2^32 ms.
 */
bool ocpp_rpc_pending_expired(const ocpp_rpc_pending_t *p, uint32_t now_ms, uint32_t timeout_ms);

/** @brief Forget the outstanding CALL (answered, timed out, connection lost). */
void ocpp_rpc_pending_clear(ocpp_rpc_pending_t *p);

/* ------------------------------------------------------------------------ */
/* Dispatch                                                                  */
/* ------------------------------------------------------------------------ */

/**
 * Handler for an incoming CALL.
 * @param ctx            the dispatch context.
 * @param payload        the CALL payload (an object).
 * @param result_payload writer positioned after `[3,"<id>",`: write exactly
 *                       one object (the CALLRESULT payload).
 * @param err_desc       on error, may receive a static description.
 * @return OCPP_RPC_OK after writing the payload, or the error code to answer
 *         with (anything written is then discarded).
 */
typedef ocpp_rpc_err_t (*ocpp_rpc_handler_fn)(void *ctx, const ocpp_json_value_t *payload,
                                              ocpp_jw_t *result_payload, const char **err_desc);

/** One row of a handler table. */
typedef struct {
    ocpp_rpc_action_t action;
    ocpp_rpc_handler_fn fn;
} ocpp_rpc_handler_entry_t;

/**
 * @brief Answer a parsed CALL: write the complete CALLRESULT or CALLERROR
 *        into `jw` (a fresh writer, or one positioned where the frame goes).
 *
 *   - action name not an OCPP 1.6 action: NotImplemented;
 *   - a 1.6 action with no row in the table (profile compiled out, or a
 *     CP-to-CS action): NotSupported;
 *   - the handler's error code, with its description;
 *   - the handler's payload does not fit, or is not exactly one object:
 *     InternalError (the writer is rewound, so the CALLERROR fits whenever
 *     the buffer holds OCPP_RPC_ERROR_MIN_CAP bytes).
 *
 * With a writer that streams (a flush sink), a handler error after part of
 * its answer went out cannot be turned into a CALLERROR: OCPP_ERR_STATE, the
 * writer left in error. Handlers check their input before they write.
 *
 * @return OCPP_OK when an answer was written; OCPP_ERR_NOMEM if not even a
 *         CALLERROR fits; OCPP_ERR_STATE (above); OCPP_ERR_PARAM for NULL
 *         arguments or a frame that is no CALL.
 */
ocpp_status_t ocpp_rpc_dispatch(const ocpp_rpc_handler_entry_t *table, size_t n, void *ctx,
                                const ocpp_rpc_frame_t *frame, ocpp_jw_t *jw);

/** One row of a handler table by action name (any OCPP version). */
typedef struct {
    const char *action; /**< Wire name, e.g. "GetVariables". */
    ocpp_rpc_handler_fn fn;
} ocpp_rpc_named_handler_t;

/**
 * @brief ocpp_rpc_dispatch() by the action's name, for a dialect's action
 *        list, with the CALLERROR codes spelled as the dialect has them:
 *   - the name is no action of the dialect's OCPP version (2.0.1:
 *     ocpp_rpc_action201_known(); 1.6: ocpp_rpc_action_lookup()):
 *     NotImplemented, "Requested Action is not known by receiver";
 *   - an action of the version without a row in the table: NotSupported,
 *     "Requested Action is recognized but not supported by the receiver";
 *   - the handler's error, or InternalError for output that does not fit
 *     or is no object, as ocpp_rpc_dispatch().
 * @return as ocpp_rpc_dispatch().
 */
ocpp_status_t ocpp_rpc_dispatch_named(const ocpp_rpc_named_handler_t *table, size_t n, void *ctx,
                                      const ocpp_rpc_frame_t *frame, ocpp_jw_t *jw,
                                      ocpp_rpc_dialect_t dialect);

/* ------------------------------------------------------------------------ */
/* Payload field helpers                                                     */
/* ------------------------------------------------------------------------ */

/*
 * Common contract: `payload` is the CALL payload object. When the field is
 * absent and `required` is false, OCPP_RPC_OK is returned and the output is
 * left unchanged (pre-set your default; ocpp_rpc_has() tells presence).
 * Errors:
 *   absent and required          -> OccurenceConstraintViolation
 *   wrong JSON type (incl. null) -> TypeConstraintViolation
 *   out of range / not in enum /
 *   string longer than maxlen,
 *   invalid dateTime             -> PropertyConstraintViolation
 *   payload is no object         -> FormationViolation
 *   caller's buffer too small    -> InternalError
 * and *desc (may be NULL) receives a short static description of the problem
 * (the field name is not included: there is no buffer for it).
 * OCPP 1.6 gives each field a cardinality ("CARD. 1..1 Required"), which is
 * why a missing required field is an occurrence violation (see top).
 */

/** @brief True if the payload object has member `key`. */
bool ocpp_rpc_has(const ocpp_json_value_t *payload, const char *key);

/** @brief Integer field (no fraction, no exponent) in [min, max]. */
ocpp_rpc_err_t ocpp_rpc_get_int(const ocpp_json_value_t *payload, const char *key, bool required,
                                int64_t min, int64_t max, int64_t *out, const char **desc);

/**
 * @brief Decimal field as fixed point (value * 10^scale, see
 *        ocpp_json_as_decimal()) in [min, max].
 */
ocpp_rpc_err_t ocpp_rpc_get_decimal(const ocpp_json_value_t *payload, const char *key,
                                    bool required, unsigned scale, int64_t min, int64_t max,
                                    int64_t *out, const char **desc);

/**
 * @brief String field of at most `maxlen` characters (CiStringNType: N),
 *        decoded into buf[0..cap) and NUL-terminated. If the string is longer
 *        than maxlen: PropertyConstraintViolation. If it is within maxlen but
 *        does not fit cap: InternalError (the caller's buffer is too small).
 */
ocpp_rpc_err_t ocpp_rpc_get_string(const ocpp_json_value_t *payload, const char *key, bool required,
                                   size_t maxlen, char *buf, size_t cap, const char **desc);

/**
 * @brief Enumeration field: *index receives i such that the string equals
 *        names[i] (exact, case-sensitive as in the OCPP JSON schemas).
 */
ocpp_rpc_err_t ocpp_rpc_get_enum(const ocpp_json_value_t *payload, const char *key, bool required,
                                 const char *const names[], size_t n, size_t *index,
                                 const char **desc);

/** @brief Boolean field. */
ocpp_rpc_err_t ocpp_rpc_get_bool(const ocpp_json_value_t *payload, const char *key, bool required,
                                 bool *out, const char **desc);

/**
 * @brief dateTime field (see ocpp_rpc_parse_datetime()) as unix seconds.
 *        A string that is no valid date-time: PropertyConstraintViolation.
 */
ocpp_rpc_err_t ocpp_rpc_get_datetime(const ocpp_json_value_t *payload, const char *key,
                                     bool required, int64_t *out, const char **desc);

/**
 * @brief Object or array field (a sub-value to navigate further).
 * @param type OCPP_JSON_OBJECT or OCPP_JSON_ARRAY.
 */
ocpp_rpc_err_t ocpp_rpc_get_container(const ocpp_json_value_t *payload, const char *key,
                                      bool required, ocpp_json_type_t type, ocpp_json_value_t *out,
                                      const char **desc);

/* ------------------------------------------------------------------------ */
/* Date-time                                                                 */
/* ------------------------------------------------------------------------ */

/**
 * @brief Parse an RFC 3339 date-time, "2013-02-01T20:53:32.486Z" or with an
 *        offset "2013-02-01T21:53:32+01:00", to unix seconds (UTC).
 *
 * OCPP 1.6 §3.14: "Implementations MUST use ISO 8601 date time notation.
 * Message receivers must be able to handle fractional seconds and time zone
 * offsets". Accepted: years 0000..9999; a fraction of any length (truncated
 * to milliseconds); 't' and 'z' in lower case (RFC 3339 §5.6 NOTE); offsets
 * "Z", "+hh:mm", and ISO 8601's "+hhmm" and "+hh"; no offset at all, taken as
 * UTC (ISO 8601 local time; OCPP "strongly recommend[s] to use UTC"); a leap
 * second ":60", taken as ":59". Rejected: hour 24, days that do not exist
 * (Feb 30, Feb 29 of a non-leap year, Apr 31), missing seconds, an empty
 * fraction, a space instead of 'T', offsets beyond 23:59, trailing text.
 *
 * @param ms may be NULL; receives the milliseconds 0..999.
 * @return OCPP_OK; OCPP_ERR_PARSE for a malformed text; OCPP_ERR_RANGE for
 *         a well-formed but impossible date or time; OCPP_ERR_PARAM for NULL.
 */
ocpp_status_t ocpp_rpc_parse_datetime_text(const char *s, size_t len, int64_t *unix_s,
                                           uint16_t *ms);

/**
 * @brief ocpp_rpc_parse_datetime_text() on a JSON string value.
 * @return as above; OCPP_ERR_TYPE if v is no string.
 */
ocpp_status_t ocpp_rpc_parse_datetime(const ocpp_json_value_t *v, int64_t *unix_s);

/**
 * @brief Format unix seconds and milliseconds as "2026-11-22T05:52:08.000Z".
 * @param unix_s 0 (1970) .. 253402300799 (9999-12-31T23:59:59Z); clamped.
 * @param ms 0..999; clamped.
 * @param out at least OCPP_RPC_DATETIME_LEN + 1 bytes; NUL-terminated.
 */
void ocpp_rpc_format_datetime(int64_t unix_s, uint16_t ms, char out[OCPP_RPC_DATETIME_LEN + 1]);

#ifdef __cplusplus
}
#endif

#endif /* OCPP_RPC_H */
