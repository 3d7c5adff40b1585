/* The create / idempotency / outbox protocol of iamcore (src/engine/create.cc,
 * src/engine/outbox.cc, the Store contract of include/iam/store.h), several
 * engines on one store, checked with spin (model/check.sh).
 *
 * Store: Commit is atomic (one d_step) and enforces one user per username and
 * one live idempotency record per client token; the record, the user and its
 * outbox message are written together or not at all.
 * Engine (CreateUser with a client token): read the record (a live one with
 * the same fingerprint is replayed, another fingerprint refused); pre-check the
 * username; commit; a duplicate at the pre-check or the commit replays the
 * twin's record when there is one, else answers the duplicate.
 * Dispatchers: each reads a due message, delivers it (a receiver counts
 * deliveries per message id), then completes it; a dispatcher may crash
 * between delivery and completion (the message is then delivered again).
 *
 * Checked: one user per username and per client token; every answer naming a
 * user names a committed user with the request's username; at the end every
 * committed message was delivered at least once and completed. Records do
 * not expire in this model (the window outlasts a run).
 */

#ifdef FOUR
#define ENGINES 4
#else
#define ENGINES 3
#endif
#define NAMES 2      /* usernames 1..NAMES */
#define TOKENS 2     /* client tokens 1..TOKENS */
#define MAXUSERS 4   /* user ids 1..MAXUSERS */
#define CRASHES 2    /* dispatcher crashes between send and complete */

byte owner[NAMES + 1];          /* username -> user id, 0 = free */
byte record_user[TOKENS + 1];   /* client token -> user id of its record, 0 = none */
byte record_print[TOKENS + 1];  /* the record's fingerprint (the username) */
byte user_name[MAXUSERS + 1];   /* user id -> username; 0 = no such user */
byte next_id = 1;
bool pending[MAXUSERS + 1];     /* the user's outbox message is due */
byte delivered[MAXUSERS + 1];   /* deliveries per message (= user id) */
byte engines_done = 0;
byte crashes = 0;

/* What an engine answered: a user id, or 0 (refused). */
byte answer[ENGINES];

inline replay(tok, name, out) {
  atomic {
    if
    :: record_user[tok] != 0 && record_print[tok] == name -> out = record_user[tok]
    :: record_user[tok] != 0 && record_print[tok] != name -> out = 0  /* idempotency.mismatch */
    :: else -> out = 0  /* no record: the duplicate stands */
    fi
  }
}

proctype Engine(byte me; byte name; byte tok) {
  byte out = 0;
  bool replayed = false;
  /* 1. A live record? */
  atomic {
    if
    :: record_user[tok] != 0 -> replay(tok, name, out); replayed = true
    :: else -> skip
    fi
  }
  if
  :: replayed -> goto done
  :: else -> skip
  fi;
  /* 2. The pre-check (a read, then time passes). */
  if
  :: owner[name] != 0 -> replay(tok, name, out); goto done
  :: else -> skip
  fi;
  /* 3. The commit: all or nothing. */
  d_step {
    if
    :: record_user[tok] != 0 || owner[name] != 0 -> out = 255  /* AlreadyExists */
    :: else ->
         assert(next_id <= MAXUSERS);
         out = next_id; next_id++;
         owner[name] = out; user_name[out] = name;
         record_user[tok] = out; record_print[tok] = name;
         pending[out] = true
    fi
  }
  if
  :: out == 255 -> out = 0; replay(tok, name, out)
  :: else -> skip
  fi;
done:
  /* An answer names a committed user with this request's username. */
  assert(out == 0 || (user_name[out] == name && owner[name] == out));
  answer[me] = out;
  engines_done++
}

proctype Dispatcher() {
  byte m;
  do
  :: atomic { engines_done == ENGINES && !pending[1] && !pending[2] && !pending[3] && !pending[4] -> break }
  :: else ->
       /* DueOutbox: any due message (two dispatchers may read the same one). */
       m = 0;
       atomic {
         if
         :: pending[1] -> m = 1
         :: pending[2] -> m = 2
         :: pending[3] -> m = 3
         :: pending[4] -> m = 4
         :: else -> skip
         fi
       }
       if
       :: m != 0 && pending[m] ->
            delivered[m]++;  /* Send: the receiver sees it */
            if
            :: crashes < CRASHES -> crashes++  /* crashed before CompleteOutbox */
            :: true -> pending[m] = false      /* CompleteOutbox */
            fi
       :: else -> skip
       fi
  od
}

init {
  atomic {
    /* Two requests share a username and a token (a client's retry); the
     * third shares the token with another username (a client's mistake,
     * -DMISUSE) or wants the same username under another token (another
     * client). model/check.sh checks both; -DFOUR runs all four requests at
     * once (the long mode: a state space 60 times larger). */
    run Engine(0, 1, 1);
    run Engine(1, 1, 1);
#if defined(FOUR)
    run Engine(2, 2, 1);
    run Engine(3, 1, 2);
#elif defined(MISUSE)
    run Engine(2, 2, 1);
#else
    run Engine(2, 1, 2);
#endif
    run Dispatcher();
    run Dispatcher()
  }
  (_nr_pr == 1);  /* everyone has finished */
  byte i;
  /* One user per username and per client token. */
  assert(next_id - 1 <= NAMES);
  i = 1;
  do
  :: i <= MAXUSERS ->
       if
       :: user_name[i] != 0 ->
            assert(owner[user_name[i]] == i);
            assert(!pending[i] && delivered[i] >= 1)  /* delivered at least once */
       :: else -> assert(delivered[i] == 0)
       fi;
       i++
  :: else -> break
  od;
  /* The retry got the same user as the first request, or a refusal. */
  assert(answer[0] == 0 || answer[1] == 0 || answer[0] == answer[1]);
  /* The token was committed for at most one user. */
  assert(record_user[1] == 0 || user_name[record_user[1]] == record_print[1])
}
