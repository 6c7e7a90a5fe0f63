/* orgdesk-admin-jwks.c: make orgdesk.auth_keys the issuer's current key set.
 *
 * Copyright 2026 The Orgdesk authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * jwks sync reads the issuer's discovery document, then the key set its
 * jwks_uri names, and makes the table hold exactly that set, in one
 * transaction.  Logto lists its previous key after a rotation until it drops
 * it, so following its set keeps an old key exactly as long as Logto does, and
 * tokens signed just before a rotation stay verifiable.
 *
 * Everything fetched is checked before the database is touched: one bad key
 * refuses the whole set and changes nothing, so a broken or hostile answer
 * cannot empty the table or plant a key.  Only public members are stored, and
 * nothing but kids is printed.  The network is blocking here (a short-lived
 * CLI), with a timeout, no redirects and a bounded body; no transaction is
 * open while it runs.
 */

#define G_LOG_DOMAIN "orgdesk-admin"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "orgdesk-admin-jwks.h"
#include "orgdesk-admin-migrate.h"
#include "orgdesk-json.h"
#include "orgdesk-jwks.h"

#define READ_CHUNK_BYTES (16 * 1024)

/* A body that trickles in steadily is still given up after this. */
#define FETCH_DEADLINE_SECONDS 60

/* orgdesk.auth_keys: CHECK (char_length (kid) BETWEEN 1 AND 256) */
#define MAX_KID_CHARS 256

/* Longest text from the network or the database put into a message. */
#define MAX_PRINTABLE_CHARS 300

#define MAX_URI_LENGTH 2048

#define BEGIN_SQL \
  "BEGIN; SET LOCAL ROLE " ORGDESK_OWNER_ROLE "; SET LOCAL search_path = pg_catalog"

/* What a stored JWK may hold: RFC 7517 §4 and RFC 7518 §6 public members. */
static const char * const public_members[] = {
  "kty", "kid", "use", "alg", "crv", "x", "y", "n", "e",
};

/* Private or symmetric key material (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC
 * 8037 §2): an issuer that publishes it has leaked its signing key. */
static const char * const private_members[] = {
  "d", "p", "q", "dp", "dq", "qi", "oth", "k",
};

typedef struct
{
  char *kid;
  char *json;   /* the public members only: what is stored */
} FetchedKey;

static void
fetched_key_free (gpointer data)
{
  FetchedKey *key = data;

  g_free (key->kid);
  g_free (key->json);
  g_free (key);
}

/**
 * orgdesk_admin_printable:
 * @text: (nullable): text from the network or the database
 *
 * Text fit for a message: control characters and backslashes written as
 * \xNN, invalid UTF-8 replaced, at most %MAX_PRINTABLE_CHARS characters.
 *
 * Returns: (transfer full): the printable text
 */
char *
orgdesk_admin_printable (const char *text)
{
  g_autofree char *valid = NULL;
  const char *end;
  GString *out;

  if (text == NULL)
    return g_strdup ("(none)");

  valid = g_utf8_make_valid (text, -1);
  end = valid + strlen (valid);
  if (g_utf8_strlen (valid, -1) > MAX_PRINTABLE_CHARS)
    end = g_utf8_offset_to_pointer (valid, MAX_PRINTABLE_CHARS - 3);

  out = g_string_new (NULL);
  for (const char *p = valid; p < end; p++)
    {
      guchar c = (guchar) *p;

      if (c < 0x20 || c == 0x7f || c == '\\')
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, (char) c);
    }
  if (*end != '\0')
    g_string_append (out, "...");

  return g_string_free (out, FALSE);
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* https, or http to the loopback interface (a local Logto, the tests). */
static gboolean
check_uri (const char  *uri,
           const char  *what,
           gboolean     is_issuer,
           GError     **error)
{
  g_autoptr(GUri) parsed = NULL;
  g_autofree char *shown = NULL;
  const char *scheme;
  const char *host;

  if (uri == NULL || *uri == '\0')
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The %s is missing or empty", what);
      return FALSE;
    }

  if (strlen (uri) > MAX_URI_LENGTH)
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The %s is longer than %d bytes", what, MAX_URI_LENGTH);
      return FALSE;
    }

  parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  if (parsed != NULL && g_uri_get_userinfo (parsed) != NULL)
    {
      /* Not printed: it may be a password. */
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The %s must not carry a user name or password", what);
      return FALSE;
    }

  shown = orgdesk_admin_printable (uri);

  if (parsed == NULL || g_uri_get_host (parsed) == NULL || *g_uri_get_host (parsed) == '\0')
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The %s “%s” is not an absolute http or https URL", what, shown);
      return FALSE;
    }

  scheme = g_uri_get_scheme (parsed);
  host = g_uri_get_host (parsed);

  if (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0)
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The %s “%s” is not an http or https URL", what, shown);
      return FALSE;
    }

  if (g_ascii_strcasecmp (scheme, "http") == 0 && !host_is_loopback (host))
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The %s “%s” is plain http to a host that is not loopback: use https "
                   "(http is allowed for 127.0.0.1, ::1 and localhost only)", what, shown);
      return FALSE;
    }

  if (g_uri_get_fragment (parsed) != NULL || (is_issuer && g_uri_get_query (parsed) != NULL))
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The %s “%s” must not have a %s", what, shown,
                   g_uri_get_fragment (parsed) != NULL ? "fragment" : "query");
      return FALSE;
    }

  return TRUE;
}

/**
 * orgdesk_admin_check_issuer:
 * @issuer: an issuer URL, as tokens carry it in "iss"
 *
 * An issuer must be https, or http to a loopback host, without user
 * information, query or fragment (OpenID Connect Discovery 1.0 §2).
 */
gboolean
orgdesk_admin_check_issuer (const char  *issuer,
                            GError     **error)
{
  return check_uri (issuer, "issuer", TRUE, error);
}

/* For messages: no password, no query (the issuer's URLs carry neither). */
static char *
shown_uri (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
  g_autofree char *partial = NULL;

  if (parsed == NULL)
    return g_strdup ("(an invalid URL)");

  partial = g_uri_to_string_partial (parsed, G_URI_HIDE_PASSWORD | G_URI_HIDE_QUERY);
  return orgdesk_admin_printable (partial);
}

/**
 * orgdesk_admin_require_auth_tables:
 *
 * Fails with a hint when the database lacks the orgdesk_auth extension's
 * tables (migration 0006 not applied).
 */
gboolean
orgdesk_admin_require_auth_tables (PGconn  *conn,
                                   GError **error)
{
  g_autoptr(PGresult) result = NULL;

  result = orgdesk_admin_exec_params (conn,
                                      "SELECT pg_catalog.to_regclass ('orgdesk.auth_config') IS NOT NULL "
                                      "AND pg_catalog.to_regclass ('orgdesk.auth_keys') IS NOT NULL",
                                      0, NULL, error);
  if (result == NULL)
    return FALSE;

  if (g_strcmp0 (PQgetvalue (result, 0, 0), "t") != 0)
    {
      g_set_error_literal (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                           "The database has no orgdesk.auth_config and orgdesk.auth_keys tables: "
                           "run orgdesk-admin migrate first (migration 0006 installs the "
                           "orgdesk_auth extension)");
      return FALSE;
    }

  return TRUE;
}

/* *@issuer is NULL when there is no configuration row. */
static gboolean
read_configured_issuer (PGconn   *conn,
                        char    **issuer,
                        GError  **error)
{
  g_autoptr(PGresult) result = NULL;

  result = orgdesk_admin_exec_params (conn, "SELECT issuer FROM orgdesk.auth_config", 0, NULL, error);
  if (result == NULL)
    return FALSE;

  *issuer = PQntuples (result) > 0 ? g_strdup (PQgetvalue (result, 0, 0)) : NULL;
  return TRUE;
}

/* HTTP {{{ */

static SoupSession *
make_session (void)
{
  return soup_session_new_with_options ("timeout", ORGDESK_ADMIN_HTTP_TIMEOUT_SECONDS,
                                        "idle-timeout", ORGDESK_ADMIN_HTTP_TIMEOUT_SECONDS,
                                        "user-agent", "orgdesk-admin/" PACKAGE_VERSION " ",
                                        NULL);
}

/* GETs @uri: 200 only, no redirect followed, at most
 * ORGDESK_ADMIN_MAX_RESPONSE_BYTES read (a larger Content-Length is refused
 * before reading), given up when the connection stalls for the session's
 * timeout or the body takes longer than FETCH_DEADLINE_SECONDS. */
static GBytes *
fetch (SoupSession  *session,
       const char   *uri,
       const char   *what,
       GError      **error)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) body = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *shown = shown_uri (uri);
  g_autofree guint8 *chunk = NULL;
  SoupMessageHeaders *headers;
  gint64 deadline;
  guint status;

  message = soup_message_new (SOUP_METHOD_GET, uri);
  if (message == NULL)
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The URL of the %s is not valid: %s", what, shown);
      return NULL;
    }

  /* A redirect could lead anywhere, plain http to another host included. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept", "application/json");

  g_debug ("GET %s", shown);
  deadline = g_get_monotonic_time () + FETCH_DEADLINE_SECONDS * G_USEC_PER_SEC;

  stream = soup_session_send (session, message, NULL, &local_error);
  if (stream == NULL)
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_QUERY,
                   "Could not fetch the %s from %s: %s", what, shown, local_error->message);
      return NULL;
    }

  status = soup_message_get_status (message);
  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *reason = orgdesk_admin_printable (soup_message_get_reason_phrase (message));

      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_QUERY,
                   "Could not fetch the %s: %s answered HTTP %u %s%s", what, shown, status, reason,
                   SOUP_STATUS_IS_REDIRECTION (status) ? " (redirects are not followed)" : "");
      return NULL;
    }

  headers = soup_message_get_response_headers (message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > ORGDESK_ADMIN_MAX_RESPONSE_BYTES)
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The %s at %s is larger than %d bytes", what, shown,
                   ORGDESK_ADMIN_MAX_RESPONSE_BYTES);
      return NULL;
    }

  body = g_byte_array_new ();
  chunk = g_malloc (READ_CHUNK_BYTES);
  for (;;)
    {
      gssize n_read = g_input_stream_read (stream, chunk, READ_CHUNK_BYTES, NULL, &local_error);

      if (n_read < 0)
        {
          g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_QUERY,
                       "Could not read the %s from %s: %s", what, shown, local_error->message);
          return NULL;
        }
      if (n_read == 0)
        break;

      g_byte_array_append (body, chunk, (guint) n_read);
      if (body->len > ORGDESK_ADMIN_MAX_RESPONSE_BYTES)
        {
          g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                       "The %s at %s is larger than %d bytes", what, shown,
                       ORGDESK_ADMIN_MAX_RESPONSE_BYTES);
          return NULL;
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_QUERY,
                       "Gave up reading the %s from %s after %d seconds", what, shown,
                       FETCH_DEADLINE_SECONDS);
          return NULL;
        }
    }

  g_input_stream_close (stream, NULL, NULL);
  return g_byte_array_free_to_bytes (g_steal_pointer (&body));
}

/* }}} */

/* A JSON object from @bytes, or an error naming @what. */
static JsonObject *
parse_object (GBytes      *bytes,
              const char  *what,
              const char  *shown,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);
  JsonNode *root;

  if (size == 0)
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The %s at %s is empty", what, shown);
      return NULL;
    }

  if (!g_utf8_validate_len (data, size, NULL))
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The %s at %s is not UTF-8 text", what, shown);
      return NULL;
    }

  if (!orgdesk_json_parser_load (parser, data, (gssize) size, &local_error))
    {
      g_autofree char *reason = orgdesk_admin_printable (local_error->message);

      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The %s at %s is not valid JSON: %s", what, shown, reason);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The %s at %s is not a JSON object", what, shown);
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

/* The discovery document of @issuer must name @issuer itself (OpenID
 * Connect Discovery 1.0 §4.3); returns its jwks_uri. */
static char *
discover_jwks_uri (SoupSession  *session,
                   const char   *issuer,
                   GError      **error)
{
  g_autofree char *base = g_strdup (issuer);
  g_autofree char *discovery_uri = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *found;
  const char *jwks_uri;

  /* §4: a terminating "/" of the issuer is removed before appending. */
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  discovery_uri = g_strconcat (base, "/.well-known/openid-configuration", NULL);
  shown = shown_uri (discovery_uri);

  if (!(bytes = fetch (session, discovery_uri, "discovery document", error)) ||
      !(document = parse_object (bytes, "discovery document", shown, error)))
    return NULL;

  found = orgdesk_json_get_string (document, "issuer");
  if (g_strcmp0 (found, issuer) != 0)
    {
      g_autofree char *found_shown = orgdesk_admin_printable (found);
      g_autofree char *issuer_shown = orgdesk_admin_printable (issuer);

      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The discovery document at %s names the issuer “%s”, not “%s”: "
                   "refusing its keys", shown, found_shown, issuer_shown);
      return NULL;
    }

  jwks_uri = orgdesk_json_get_string (document, "jwks_uri");
  if (!check_uri (jwks_uri, "key set URL (jwks_uri)", FALSE, &local_error))
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The discovery document at %s has no usable jwks_uri: %s",
                   shown, local_error->message);
      return NULL;
    }

  return g_strdup (jwks_uri);
}

/* {"keys":[@key]} through the shared JOSE code, which the database's
 * extension uses as well: what it cannot load, it cannot verify with. */
static gboolean
check_loadable (JsonNode     *key,
                const char   *kid,
                GError      **error)
{
  g_autofree char *json = json_to_string (key, FALSE);
  g_autofree char *set = g_strdup_printf ("{\"keys\":[%s]}", json);
  g_autoptr(OrgdeskJwks) jwks = NULL;
  g_autoptr(GError) local_error = NULL;

  jwks = orgdesk_jwks_new_from_data (set, -1, &local_error);
  if (jwks == NULL || orgdesk_jwks_get_n_keys (jwks) != 1)
    {
      g_autofree char *kid_shown = orgdesk_admin_printable (kid);

      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "Key “%s” is not a signing key Orgdesk can verify with (an unsupported type, "
                   "curve, algorithm or use, or invalid parameters)", kid_shown);
      return FALSE;
    }

  return TRUE;
}

/* The public members of @key, as the JSON text to store. */
static char *
public_jwk_to_string (JsonObject *key)
{
  g_autoptr(JsonObject) copy = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  for (guint i = 0; i < G_N_ELEMENTS (public_members); i++)
    {
      JsonNode *member = json_object_get_member (key, public_members[i]);

      if (member != NULL)
        json_object_set_member (copy, public_members[i], json_node_copy (member));
    }

  json_node_set_object (node, copy);
  return json_to_string (node, FALSE);
}

/* One key of the set: a kid, no private member, loadable. */
static FetchedKey *
parse_key (JsonNode    *node,
           guint        index,
           GHashTable  *seen,
           GError     **error)
{
  g_autofree char *kid_shown = NULL;
  FetchedKey *key;
  JsonObject *object;
  const char *kid;
  glong n_chars;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "Key %u of the key set is not a JSON object", index + 1);
      return NULL;
    }

  object = json_node_get_object (node);
  kid = orgdesk_json_get_string (object, "kid");
  if (kid == NULL || *kid == '\0')
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "Key %u of the key set has no “kid” (a non-empty string)", index + 1);
      return NULL;
    }

  kid_shown = orgdesk_admin_printable (kid);
  n_chars = g_utf8_strlen (kid, -1);
  if (n_chars > MAX_KID_CHARS)
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "Key %u of the key set has a kid of %ld characters (at most %d)",
                   index + 1, n_chars, MAX_KID_CHARS);
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (private_members); i++)
    {
      if (json_object_has_member (object, private_members[i]))
        {
          g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                       "Key “%s” carries private key material (member “%s”): the issuer "
                       "publishes a secret; refusing the whole set", kid_shown, private_members[i]);
          return NULL;
        }
    }

  if (g_hash_table_contains (seen, kid))
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "Two keys of the key set have the kid “%s”", kid_shown);
      return NULL;
    }

  if (!check_loadable (node, kid, error))
    return NULL;

  key = g_new0 (FetchedKey, 1);
  key->kid = g_strdup (kid);
  key->json = public_jwk_to_string (object);
  g_hash_table_add (seen, key->kid);
  return key;
}

/* Every key of the set, public members only, or an error for the first bad one. */
static GPtrArray *
parse_key_set (GBytes      *bytes,
               const char  *shown,
               GError     **error)
{
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (fetched_key_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) stored = NULL;
  g_autoptr(OrgdeskJwks) jwks = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *keys_node;
  JsonArray *array;

  if (!(document = parse_object (bytes, "key set", shown, error)))
    return NULL;

  keys_node = json_object_get_member (document, "keys");
  if (keys_node == NULL || !JSON_NODE_HOLDS_ARRAY (keys_node))
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The key set at %s is not an object with a “keys” array", shown);
      return NULL;
    }

  array = json_node_get_array (keys_node);
  if (json_array_get_length (array) == 0)
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The key set at %s is empty: refusing to remove every key", shown);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      FetchedKey *key = parse_key (json_array_get_element (array, i), i, seen, error);

      if (key == NULL)
        return NULL;
      g_ptr_array_add (keys, key);
    }

  /* What will be stored, as one set, loads too. */
  stored = g_string_new ("{\"keys\":[");
  for (guint i = 0; i < keys->len; i++)
    {
      const FetchedKey *key = g_ptr_array_index (keys, i);

      g_string_append_printf (stored, "%s%s", i > 0 ? "," : "", key->json);
    }
  g_string_append (stored, "]}");

  jwks = orgdesk_jwks_new_from_data (stored->str, (gssize) stored->len, &local_error);
  if (jwks == NULL || orgdesk_jwks_get_n_keys (jwks) != keys->len)
    {
      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "The key set at %s cannot be loaded%s%s", shown,
                   local_error != NULL ? ": " : "",
                   local_error != NULL ? local_error->message : "");
      return NULL;
    }

  return g_steal_pointer (&keys);
}

static gboolean
lock_and_check_issuer (PGconn      *conn,
                       const char  *issuer,
                       gboolean     from_config,
                       GError     **error)
{
  g_autofree char *configured = NULL;

  if (!orgdesk_admin_exec (conn, BEGIN_SQL, error) ||
      !orgdesk_admin_exec (conn, "LOCK TABLE orgdesk.auth_keys IN SHARE ROW EXCLUSIVE MODE", error) ||
      !read_configured_issuer (conn, &configured, error))
    return FALSE;

  /* config set may have run while we were fetching. */
  if ((configured != NULL || from_config) && g_strcmp0 (configured, issuer) != 0)
    {
      g_set_error_literal (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                           "The configured issuer changed during the sync; run it again");
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  GPtrArray *added;     /* of const char *, kids */
  GPtrArray *updated;
  GPtrArray *kept;
  GPtrArray *removed;   /* of char * */
} Changes;

static void
changes_clear (Changes *changes)
{
  g_clear_pointer (&changes->added, g_ptr_array_unref);
  g_clear_pointer (&changes->updated, g_ptr_array_unref);
  g_clear_pointer (&changes->kept, g_ptr_array_unref);
  g_clear_pointer (&changes->removed, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Changes, changes_clear)

/* Inside the transaction: the table becomes @keys. */
static gboolean
apply_key_set (PGconn     *conn,
               GPtrArray  *keys,
               Changes    *changes,
               GError    **error)
{
  g_autoptr(PGresult) existing = NULL;
  g_autoptr(GHashTable) fetched = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) stored = g_hash_table_new (g_str_hash, g_str_equal);

  existing = orgdesk_admin_exec_params (conn, "SELECT kid FROM orgdesk.auth_keys ORDER BY added_at, kid",
                                        0, NULL, error);
  if (existing == NULL)
    return FALSE;

  for (int row = 0; row < PQntuples (existing); row++)
    g_hash_table_add (stored, PQgetvalue (existing, row, 0));

  for (guint i = 0; i < keys->len; i++)
    {
      const FetchedKey *key = g_ptr_array_index (keys, i);
      const char * const values[] = { key->kid, key->json };
      g_autoptr(PGresult) result = NULL;

      g_hash_table_add (fetched, key->kid);

      if (!g_hash_table_contains (stored, key->kid))
        {
          result = orgdesk_admin_exec_params (conn,
                                              "INSERT INTO orgdesk.auth_keys (kid, jwk) "
                                              "VALUES ($1, $2::pg_catalog.jsonb)",
                                              2, values, error);
          if (result == NULL)
            return FALSE;
          g_ptr_array_add (changes->added, key->kid);
          continue;
        }

      /* jsonb equality: the same members and values, in any order. */
      result = orgdesk_admin_exec_params (conn,
                                          "UPDATE orgdesk.auth_keys SET jwk = $2::pg_catalog.jsonb "
                                          "WHERE kid = $1 AND jwk <> $2::pg_catalog.jsonb",
                                          2, values, error);
      if (result == NULL)
        return FALSE;
      g_ptr_array_add (g_strcmp0 (PQcmdTuples (result), "0") != 0 ? changes->updated : changes->kept,
                       key->kid);
    }

  for (int row = 0; row < PQntuples (existing); row++)
    {
      const char *kid = PQgetvalue (existing, row, 0);
      const char * const values[] = { kid };
      g_autoptr(PGresult) result = NULL;

      if (g_hash_table_contains (fetched, kid))
        continue;

      result = orgdesk_admin_exec_params (conn, "DELETE FROM orgdesk.auth_keys WHERE kid = $1",
                                          1, values, error);
      if (result == NULL)
        return FALSE;
      g_ptr_array_add (changes->removed, g_strdup (kid));
    }

  return TRUE;
}

static void
print_kids (const char *label,
            GPtrArray  *kids)
{
  for (guint i = 0; i < kids->len; i++)
    {
      g_autofree char *kid = orgdesk_admin_printable (g_ptr_array_index (kids, i));

      g_print ("  %-8s %s\n", label, kid);
    }
}

static void
print_changes (const Changes *changes)
{
  print_kids ("added", changes->added);
  print_kids ("updated", changes->updated);
  print_kids ("kept", changes->kept);
  print_kids ("removed", changes->removed);

  if (changes->added->len == 0 && changes->updated->len == 0 && changes->removed->len == 0)
    g_print ("Nothing changed: %u %s kept\n", changes->kept->len,
             changes->kept->len == 1 ? "key" : "keys");
  else
    g_print ("Keys: %u added, %u updated, %u removed, %u kept\n",
             changes->added->len, changes->updated->len, changes->removed->len, changes->kept->len);
}

/**
 * orgdesk_admin_jwks_sync:
 * @conn: a connection as orgdesk_owner or a role that may SET ROLE to it
 * @issuer: (nullable): the issuer to fetch from; %NULL for the configured one
 *
 * Makes orgdesk.auth_keys hold exactly the issuer's current key set, in one
 * transaction, and prints the kids added, updated, kept and removed.  A set
 * that is empty, malformed, or has a key without kid, a repeated kid, a
 * private member or a key the JOSE code cannot load is refused, and the
 * table is left as it was.  An @issuer other than the configured one is
 * refused too: its keys could verify nothing.
 */
gboolean
orgdesk_admin_jwks_sync (PGconn      *conn,
                         const char  *issuer,
                         GError     **error)
{
  g_autofree char *configured = NULL;
  g_autofree char *jwks_uri = NULL;
  g_autofree char *jwks_shown = NULL;
  g_autofree char *issuer_shown = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_auto(Changes) changes = { NULL };

  g_return_val_if_fail (conn != NULL, FALSE);

  if (!orgdesk_admin_require_auth_tables (conn, error) ||
      !read_configured_issuer (conn, &configured, error))
    return FALSE;

  if (issuer != NULL && configured != NULL && strcmp (issuer, configured) != 0)
    {
      g_autofree char *given = orgdesk_admin_printable (issuer);
      g_autofree char *have = orgdesk_admin_printable (configured);

      g_set_error (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                   "--issuer “%s” is not the configured issuer “%s”, whose tokens the database "
                   "verifies: change it with orgdesk-admin config set issuer first", given, have);
      return FALSE;
    }

  if (issuer == NULL && configured == NULL)
    {
      g_set_error_literal (error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_INVALID,
                           "No issuer is configured: run orgdesk-admin config set issuer URL "
                           "audience RESOURCE, or pass --issuer");
      return FALSE;
    }

  if (issuer == NULL)
    issuer = configured;
  if (!orgdesk_admin_check_issuer (issuer, error))
    return FALSE;

  issuer_shown = orgdesk_admin_printable (issuer);
  session = make_session ();

  if (!(jwks_uri = discover_jwks_uri (session, issuer, error)))
    return FALSE;

  jwks_shown = shown_uri (jwks_uri);
  if (!(bytes = fetch (session, jwks_uri, "key set", error)) ||
      !(keys = parse_key_set (bytes, jwks_shown, error)))
    return FALSE;

  g_print ("Issuer %s, key set %s: %u %s\n", issuer_shown, jwks_shown, keys->len,
           keys->len == 1 ? "key" : "keys");

  changes.added = g_ptr_array_new ();
  changes.updated = g_ptr_array_new ();
  changes.kept = g_ptr_array_new ();
  changes.removed = g_ptr_array_new_with_free_func (g_free);

  if (!lock_and_check_issuer (conn, issuer, configured != NULL, error) ||
      !apply_key_set (conn, keys, &changes, error) ||
      !orgdesk_admin_exec (conn, "COMMIT", error))
    {
      orgdesk_admin_rollback (conn);
      if (g_error_matches (*error, ORGDESK_ADMIN_ERROR, ORGDESK_ADMIN_ERROR_QUERY))
        g_prefix_error (error, "Nothing was changed: ");
      return FALSE;
    }

  print_changes (&changes);
  return TRUE;
}
