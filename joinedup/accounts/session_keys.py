"""What joinedup keeps in a staff member's session, named once for the middleware,
the services and the views."""

# Which membership the user acts as (chosen on the switch page).
ACTING_MEMBERSHIP = "acting_membership_id"
# When the user logged in and when they were last seen, in Unix seconds: the absolute and
# idle timeouts are measured from these on the server, whatever the cookie says.
LOGGED_IN_AT = "joinedup_logged_in_at"
LAST_SEEN_AT = "joinedup_last_seen_at"
# Whether the user had set up an authenticator app when they logged in (or since): an
# opted-in user is asked for a code too, without a query on every request to find out.
TWO_FACTOR_ENROLLED = "joinedup_2fa_enrolled"
# The secret of an authenticator app being set up, until its first code confirms it.
TWO_FACTOR_SETUP_KEY = "joinedup_2fa_setup_key"
