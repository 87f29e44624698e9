// R1-R3: application review and the founding tester's claim.
//
//  hitlai.review_early_adopter_app(app_id uuid, decision text) RETURNS uuid
//  hitlai.review_founding_tester_app(app_id uuid, decision text) RETURNS uuid
//    SECURITY INVOKER, for privileged roles only (G1 admin list; the code also refuses
//    a caller that is neither superuser nor BYPASSRLS: 42501). The application row is
//    locked, the move checked (src/core/app_review.hpp: HL002, 22023), and on approval
//    of an early adopter its company created from the plan_tiers row of its tier and the
//    applicant (the auth.users row with the normalised email, when auth.users exists)
//    invited as owner -- all in the caller's transaction, so a failure (23505 for an
//    email in use, 22023 for an unknown tier) leaves nothing changed. Early adopter:
//    returns the new company's id (NULL for the other decisions). Founding tester:
//    returns the application's id (nothing is created before the tester claims).
//
//  hitlai.claim_founding_tester_profile() RETURNS uuid
//    SECURITY DEFINER, for signed-in users: the caller's email (request.jwt.claims ->>
//    'email', else auth.users) must belong to an approved founding-tester application
//    (else 42501); the caller's human_testers row is created or brought up to date from
//    it in one INSERT ... ON CONFLICT (user_id) DO UPDATE ... WHERE something differs, so
//    a second call changes nothing. Returns the tester's id.
//
// auth.users (S7): read as pg/auth_users.hpp says: only a plain table (relkind 'r') with
// `id uuid` and `email text|varchar` columns, locked, FROM ONLY, with the rights of its
// owner in a security-restricted operation (a non-superuser may own it and attach code
// that planning a query runs). When it is missing or unusable nobody is invited, rather
// than the review failing.
#include "pg/auth_users.hpp"
#include "pg/bridge.hpp"
#include "pg/email_normalize.hpp"
#include "pg/identity.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/uuid.h"
}

#include <cstring>
#include <optional>
#include <string>

#include "core/app_review.hpp"

namespace {

namespace spi = hitlai::pg::spi;
using hitlai::pg::guarded;
using hitlai::review::AppStatus;

// ---- statements ----------------------------------------------------------------------

spi::Statement kLockEarly{
    "SELECT a.status, a.selected_tier, a.email FROM hitlai.early_adopter_apps a"
    " WHERE a.id OPERATOR(pg_catalog.=) $1 FOR NO KEY UPDATE OF a",
    1, {UUIDOID}, nullptr};
enum LockedAppCol { kAppStatus = 1, kAppTier, kAppEmail };  // kLockEarly, kLockTester
spi::Statement kLockTester{
    "SELECT a.status, a.selected_tier, a.email FROM hitlai.founding_tester_apps a"
    " WHERE a.id OPERATOR(pg_catalog.=) $1 FOR NO KEY UPDATE OF a",
    1, {UUIDOID}, nullptr};
spi::Statement kTier{
    "SELECT 1 FROM hitlai.plan_tiers t WHERE t.tier OPERATOR(pg_catalog.=) $1"
    " AND t.kind OPERATOR(pg_catalog.=) $2",
    2, {TEXTOID, TEXTOID}, nullptr};
spi::Statement kCompanyEmailTaken{
    "SELECT 1 FROM hitlai.companies c WHERE c.email OPERATOR(pg_catalog.=) $1",
    1, {TEXTOID}, nullptr};
spi::Statement kCreateCompany{
    R"SQL(
INSERT INTO hitlai.companies (name, email, industry, company_size, early_adopter_tier,
                              plan_type, monthly_test_quota, discount_percentage)
SELECT a.company_name, a.email, a.industry, a.company_size, a.selected_tier,
       t.plan_type, t.monthly_test_quota, t.discount_percentage
  FROM hitlai.early_adopter_apps a
  JOIN hitlai.plan_tiers t ON t.tier OPERATOR(pg_catalog.=) a.selected_tier
                          AND t.kind OPERATOR(pg_catalog.=) 'company'::pg_catalog.text
 WHERE a.id OPERATOR(pg_catalog.=) $1
RETURNING id)SQL",
    1, {UUIDOID}, nullptr};
// The one column of kCreateCompany, kClaim and kTesterByUser.
enum IdCol { kId = 1 };
spi::Statement kInviteOwner{
    "INSERT INTO hitlai.company_members (company_id, user_id, role)"
    " VALUES ($1, $2, 'owner'::pg_catalog.text)",
    2, {UUIDOID, UUIDOID}, nullptr};
spi::Statement kSetEarly{
    "UPDATE hitlai.early_adopter_apps a SET status = $2, reviewed_by = $3,"
    " reviewed_at = pg_catalog.now() WHERE a.id OPERATOR(pg_catalog.=) $1",
    3, {UUIDOID, TEXTOID, UUIDOID}, nullptr};
spi::Statement kSetTester{
    "UPDATE hitlai.founding_tester_apps a SET status = $2, reviewed_by = $3,"
    " reviewed_at = pg_catalog.now() WHERE a.id OPERATOR(pg_catalog.=) $1",
    3, {UUIDOID, TEXTOID, UUIDOID}, nullptr};

// S7: auth.users is read as pg/auth_users.hpp says (checked, locked, FROM ONLY, with
// its owner's rights in a security-restricted operation: the owner may not be a
// superuser). The owner may not execute hitlai's functions, so emails are compared by
// a broad pg_catalog prefilter there and exactly (stored_email, T5) here.
constexpr const char* kAuthUsersByEmail =
    "SELECT u.id, u.email::pg_catalog.text FROM ONLY auth.users u"
    " WHERE pg_catalog.strpos(pg_catalog.lower(u.email::pg_catalog.text), $1)"
    " OPERATOR(pg_catalog.>) 0 ORDER BY u.id";
enum AuthUserCol { kAuthId = 1, kAuthEmail };
constexpr const char* kAuthEmailById =
    "SELECT u.email::pg_catalog.text FROM ONLY auth.users u WHERE u.id OPERATOR(pg_catalog.=) $1";
enum AuthEmailCol { kEmailOfId = 1 };

spi::Statement kApprovedTesterApp{
    "SELECT a.id, a.selected_tier FROM hitlai.founding_tester_apps a"
    " WHERE a.email OPERATOR(pg_catalog.=) $1 AND a.status OPERATOR(pg_catalog.=) 'approved'::pg_catalog.text"
    " ORDER BY a.reviewed_at DESC NULLS LAST, a.created_at DESC, a.id LIMIT 1",
    1, {TEXTOID}, nullptr};
enum ApprovedCol { kApprovedId = 1, kApprovedTier };
spi::Statement kClaim{
    R"SQL(
INSERT INTO hitlai.human_testers AS h
       (user_id, email, display_name, founding_tester_tier, revenue_share_pct,
        equity_percentage, previous_platforms, is_verified)
SELECT $2, a.email, a.full_name, a.selected_tier, t.revenue_share_pct, t.equity_percentage,
       a.platforms, true
  FROM hitlai.founding_tester_apps a
  JOIN hitlai.plan_tiers t ON t.tier OPERATOR(pg_catalog.=) a.selected_tier
                          AND t.kind OPERATOR(pg_catalog.=) 'tester'::pg_catalog.text
 WHERE a.id OPERATOR(pg_catalog.=) $1
ON CONFLICT (user_id) DO UPDATE
   SET email = excluded.email, display_name = excluded.display_name,
       founding_tester_tier = excluded.founding_tester_tier,
       revenue_share_pct = excluded.revenue_share_pct,
       equity_percentage = excluded.equity_percentage,
       previous_platforms = excluded.previous_platforms, is_verified = true
 WHERE (h.email, h.display_name, h.founding_tester_tier, h.revenue_share_pct,
        h.equity_percentage, h.previous_platforms, h.is_verified)
       IS DISTINCT FROM
       (excluded.email, excluded.display_name, excluded.founding_tester_tier,
        excluded.revenue_share_pct, excluded.equity_percentage, excluded.previous_platforms,
        true)
RETURNING h.id)SQL",
    2, {UUIDOID, UUIDOID}, nullptr};
spi::Statement kTesterByUser{
    "SELECT h.id FROM hitlai.human_testers h WHERE h.user_id OPERATOR(pg_catalog.=) $1",
    1, {UUIDOID}, nullptr};

// ---- helpers -------------------------------------------------------------------------

// Superuser or BYPASSRLS: the role running the statement (SECURITY INVOKER functions).
bool caller_is_privileged() {
  return guarded([] {
    Oid who = GetUserId();
    return superuser_arg(who) || has_bypassrls_privilege(who);
  });
}

// A uuid Datum allocated outside SPI's memory (valid after SPI_finish).
Datum uuid_datum(const hitlai::Uuid& u) {
  return guarded([&] {
    auto* p = static_cast<pg_uuid_t*>(SPI_palloc(sizeof(pg_uuid_t)));
    std::memcpy(p->data, u.data(), UUID_LEN);
    return UUIDPGetDatum(p);
  });
}
Datum result_uuid(uint64_t row, int col) {
  return guarded([&] {
    bool isnull = false;
    Datum d = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, &isnull);
    auto* p = static_cast<pg_uuid_t*>(SPI_palloc(sizeof(pg_uuid_t)));
    std::memcpy(p, DatumGetUUIDP(d), sizeof(pg_uuid_t));
    return UUIDPGetDatum(p);
  });
}
Datum text_datum(const std::string& s) { return PointerGetDatum(hitlai::pg::make_text(s)); }

// Runs one of the auth.users reads above; false when auth.users is missing or unusable.
bool auth_users_read(const char* sql, Oid type, Datum arg) {
  Oid types[1] = {type};
  Datum args[1] = {arg};
  int rc = guarded([&] { return hitlai::pg::auth_users_query(sql, 1, types, args, 0, true); });
  return rc == SPI_OK_SELECT;
}

// The id of the auth.users row whose email normalises to `normalized` (the lowest id when
// several do).
std::optional<Datum> auth_user_by_email(const std::string& normalized) {
  // lower() folds what stored_email folds, so the prefilter keeps every match.
  Datum folded = text_datum(normalized);
  folded = guarded([&] { return DirectFunctionCall1Coll(lower, DEFAULT_COLLATION_OID, folded); });
  if (!auth_users_read(kAuthUsersByEmail, TEXTOID, folded)) return std::nullopt;
  for (uint64_t row = 0; row < SPI_processed; ++row) {
    std::optional<std::string> e = spi::text(row, kAuthEmail);
    if (e && hitlai::pg::stored_email(*e, DEFAULT_COLLATION_OID) == normalized) return result_uuid(row, kAuthId);
  }
  return std::nullopt;
}

std::optional<std::string> opt_text_arg(FunctionCallInfo fcinfo, int n) {
  if (PG_ARGISNULL(n)) return std::nullopt;
  text* t = guarded([&] { return PG_GETARG_TEXT_PP(n); });
  return std::string(hitlai::pg::text_view(t));
}

[[noreturn]] void unknown_application(const char* what) {
  throw hitlai::Error(hitlai::sqlstate::kInvalidParameter, std::string("unknown ") + what);
}

enum class Kind { kEarlyAdopter, kFoundingTester };

Datum review(FunctionCallInfo fcinfo, Kind kind) {
  const char* what = kind == Kind::kEarlyAdopter ? "early-adopter application"
                                                  : "founding-tester application";
  if (!caller_is_privileged())
    throw hitlai::Error(hitlai::sqlstate::kInsufficientPrivilege,
                        std::string("permission denied to review a ") + what,
                        "Only privileged roles (superuser, BYPASSRLS such as service_role) review applications.");
  if (PG_ARGISNULL(0)) unknown_application(what);
  const Datum app = PG_GETARG_DATUM(0);
  auto decision_text = opt_text_arg(fcinfo, 1);
  const AppStatus to = hitlai::review::parse_decision(
      decision_text ? std::optional<std::string_view>(*decision_text) : std::nullopt);
  auto reviewer = hitlai::pg::current_uid();

  spi::Connection spi_conn;
  Datum a1[1] = {app};
  if (spi::exec(kind == Kind::kEarlyAdopter ? kLockEarly : kLockTester, a1) == 0)
    unknown_application(what);
  const std::string from_text = spi::text_not_null(0, kAppStatus);
  const std::string tier = spi::text_not_null(0, kAppTier);
  const std::string email = spi::text_not_null(0, kAppEmail);
  auto from = hitlai::review::parse_status(from_text);
  if (!from) throw hitlai::Error(hitlai::sqlstate::kInternalError, "unexpected application status");
  hitlai::review::check_move(*from, to, what);

  Datum result = (Datum)0;
  bool result_null = true;
  if (to == AppStatus::kApproved) {
    Datum t[2] = {text_datum(tier),
                  text_datum(kind == Kind::kEarlyAdopter ? "company" : "tester")};
    if (spi::exec(kTier, t) == 0)
      throw hitlai::Error(hitlai::sqlstate::kInvalidParameter,
                          std::string("unknown ") +
                              (kind == Kind::kEarlyAdopter ? "company" : "tester") + " tier \"" +
                              tier + "\"",
                          "Add it to hitlai.plan_tiers first.");
  }
  if (to == AppStatus::kApproved && kind == Kind::kEarlyAdopter) {
    Datum e[1] = {text_datum(email)};
    if (spi::exec(kCompanyEmailTaken, e) > 0)
      throw hitlai::Error(hitlai::sqlstate::kUniqueViolation,
                          "a company with email \"" + email + "\" already exists",
                          "The application was left unchanged.");
    if (spi::exec(kCreateCompany, a1) != 1)
      throw hitlai::Error(hitlai::sqlstate::kInternalError, "company not created");
    result = result_uuid(0, kId);
    result_null = false;
    if (std::optional<Datum> user = auth_user_by_email(email)) {
      Datum m[2] = {result, *user};
      spi::exec(kInviteOwner, m);
    }
  } else if (kind == Kind::kFoundingTester) {
    result = guarded([&] {
      auto* p = static_cast<pg_uuid_t*>(SPI_palloc(sizeof(pg_uuid_t)));
      std::memcpy(p, DatumGetUUIDP(app), sizeof(pg_uuid_t));
      return UUIDPGetDatum(p);
    });
    result_null = false;
  }
  Datum s[3] = {app, text_datum(hitlai::review::status_name(to)),
                reviewer ? uuid_datum(*reviewer) : (Datum)0};
  char nulls[4] = {' ', ' ', reviewer ? ' ' : 'n', '\0'};
  spi::exec(kind == Kind::kEarlyAdopter ? kSetEarly : kSetTester, s, nulls);
  spi_conn.finish();
  if (result_null) {
    fcinfo->isnull = true;
    return (Datum)0;
  }
  return result;
}

}  // namespace

HITLAI_FUNCTION(hitlai_review_early_adopter_app) { return review(fcinfo, Kind::kEarlyAdopter); }
HITLAI_FUNCTION(hitlai_review_founding_tester_app) {
  return review(fcinfo, Kind::kFoundingTester);
}

HITLAI_FUNCTION(hitlai_claim_founding_tester_profile) {
  auto me = hitlai::pg::current_uid();
  if (!me)
    throw hitlai::Error(hitlai::sqlstate::kInsufficientPrivilege,
                        "only a signed-in user can claim a founding-tester profile");
  const char* claims = guarded([] { return GetConfigOption("request.jwt.claims", true, false); });
  std::optional<std::string> email;
  if (claims && *claims) email = hitlai::review::email_from_claims(claims);

  spi::Connection spi_conn;
  const Datum user = uuid_datum(*me);
  if (!email && auth_users_read(kAuthEmailById, UUIDOID, user) && SPI_processed > 0)
    email = spi::text(0, kEmailOfId);
  std::string normalized = email ? hitlai::pg::stored_email(*email, DEFAULT_COLLATION_OID) : std::string();
  if (normalized.empty())
    throw hitlai::Error(hitlai::sqlstate::kInsufficientPrivilege,
                        "no approved founding-tester application for the caller",
                        "The caller has no email (JWT claim \"email\" or auth.users).");
  Datum e[1] = {text_datum(normalized)};
  if (spi::exec(kApprovedTesterApp, e) == 0)
    throw hitlai::Error(hitlai::sqlstate::kInsufficientPrivilege,
                        "no approved founding-tester application for the caller",
                        "No approved application has the email \"" + normalized + "\".");
  const Datum app = result_uuid(0, kApprovedId);
  const std::string tier = spi::text_not_null(0, kApprovedTier);
  Datum t[2] = {text_datum(tier), text_datum("tester")};
  if (spi::exec(kTier, t) == 0)
    throw hitlai::Error(hitlai::sqlstate::kInvalidParameter,
                        "unknown tester tier \"" + tier + "\"",
                        "Add it to hitlai.plan_tiers first.");
  Datum c[2] = {app, user};
  Datum id;
  if (spi::exec(kClaim, c) == 1) {
    id = result_uuid(0, kId);
  } else {
    Datum u[1] = {user};
    if (spi::exec(kTesterByUser, u) != 1)
      throw hitlai::Error(hitlai::sqlstate::kInternalError, "tester profile not found");
    id = result_uuid(0, kId);
  }
  spi_conn.finish();
  return id;
}
