/**
 * A commit as ONE statement: `SELECT clearway_commit(...)`, sent outside any explicit
 * transaction, so the statement is its own transaction and PostgreSQL flushes it before it
 * answers (synchronous_commit as configured: on by default). Before, a commit was BEGIN + its
 * locks, a re-read, each query re-run, the writes and COMMIT: five round trips or more, each a
 * socket write and a wake-up of the backend, which on a small machine cost more than the SQL.
 *
 * Inside, in this order (plpgsql in READ COMMITTED takes a fresh snapshot for every statement,
 * so everything after the locks sees every commit that held them before):
 *   1. the advisory locks, in the order given (key order: no two commits wait in a cycle);
 *   2. each write's precondition (create: absent; update/delete: at the expected version). A
 *      failed one the attempt had seen raises CW001 (run the callback again), a blind one CW002
 *      (the caller's version is stale: refused);
 *   3. each document read still at the seq it was read at (absent included), else CW001;
 *   4. each query re-run (its text built by querySql.ts with the values inlined as literals) still
 *      yields the same documents at the same seqs, else CW001;
 *   5. the writes, their change-log rows (stamped with the committing process, so its own change
 *      feed skips them) and a NOTIFY carrying that process's id.
 * A raise anywhere aborts the statement's transaction: nothing of the commit is written.
 */
export const COMMIT_FUNCTION_MIGRATION: { name: string; sql: string } = {
  name: 'commit-function',
  sql: `
      -- Which process committed a change (its change feed skips its own: the store told its
      -- listeners already). NULL for rows written before this migration.
      ALTER TABLE document_changes ADD COLUMN origin text;

      CREATE FUNCTION clearway_commit(
        lock_keys bigint[], lock_exclusive boolean[],
        read_collections text[], read_ids text[], read_seqs bigint[],
        write_kinds text[], write_collections text[], write_ids text[], write_data text[], write_expected integer[], write_seen boolean[],
        query_texts text[], query_expected jsonb[],
        origin text, notify_channel text, pause_seconds double precision
      ) RETURNS text LANGUAGE plpgsql VOLATILE AS $commit$
      DECLARE
        i integer;
        now_version integer;
        now_seq bigint;
        got jsonb;
        commit_seq bigint;
        applied bigint := 0;
        affected bigint;
      BEGIN
        -- Under REPEATABLE READ or SERIALIZABLE the checks below would read the snapshot taken
        -- before the locks were granted, and miss the commits that held them.
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'clearway_commit runs in READ COMMITTED, not %', current_setting('transaction_isolation');
        END IF;
        FOR i IN 1 .. coalesce(cardinality(lock_keys), 0) LOOP
          IF lock_exclusive[i] THEN
            PERFORM pg_advisory_xact_lock(lock_keys[i]);
          ELSE
            PERFORM pg_advisory_xact_lock_shared(lock_keys[i]);
          END IF;
        END LOOP;

        FOR i IN 1 .. coalesce(cardinality(write_ids), 0) LOOP
          SELECT d.version INTO now_version FROM documents d WHERE d.collection = write_collections[i] AND d.id = write_ids[i];
          IF (write_kinds[i] = 'create' AND NOT FOUND) OR (write_kinds[i] <> 'create' AND FOUND AND now_version = write_expected[i]) THEN
            CONTINUE;
          END IF;
          IF write_seen[i] THEN
            RAISE EXCEPTION USING ERRCODE = 'CW001', MESSAGE = 'clearway: the transaction lost a race', DETAIL = write_collections[i], HINT = write_ids[i];
          END IF;
          RAISE EXCEPTION USING ERRCODE = 'CW002', MESSAGE = 'clearway: stale expected version', DETAIL = write_collections[i], HINT = write_ids[i];
        END LOOP;

        FOR i IN 1 .. coalesce(cardinality(read_ids), 0) LOOP
          SELECT d.seq INTO now_seq FROM documents d WHERE d.collection = read_collections[i] AND d.id = read_ids[i];
          IF NOT FOUND THEN
            now_seq := NULL;
          END IF;
          IF now_seq IS DISTINCT FROM read_seqs[i] THEN
            RAISE EXCEPTION USING ERRCODE = 'CW001', MESSAGE = 'clearway: the transaction lost a race', DETAIL = read_collections[i], HINT = read_ids[i];
          END IF;
        END LOOP;

        -- The same documents at the same seqs: the order is then the same too (it depends only on
        -- their data and ids), so the comparison is by set.
        FOR i IN 1 .. coalesce(cardinality(query_texts), 0) LOOP
          EXECUTE 'SELECT coalesce(jsonb_object_agg(q.id, q.seq), ''{}''::jsonb) FROM (' || query_texts[i] || ') AS q' INTO got;
          IF got IS DISTINCT FROM query_expected[i] THEN
            RAISE EXCEPTION USING ERRCODE = 'CW001', MESSAGE = 'clearway: the transaction lost a race', DETAIL = '(query)', HINT = '(query)';
          END IF;
        END LOOP;

        IF pause_seconds > 0 THEN
          PERFORM pg_sleep(pause_seconds);
        END IF;

        commit_seq := nextval('document_commit_seq');
        INSERT INTO documents (collection, id, version, data, seq)
          SELECT w.collection, w.id, 1, w.data::jsonb, commit_seq
            FROM unnest(write_kinds, write_collections, write_ids, write_data) AS w(kind, collection, id, data)
           WHERE w.kind = 'create';
        GET DIAGNOSTICS affected = ROW_COUNT;
        applied := applied + affected;
        UPDATE documents d SET data = w.data::jsonb, version = d.version + 1, seq = commit_seq
          FROM unnest(write_kinds, write_collections, write_ids, write_data, write_expected) AS w(kind, collection, id, data, expected)
         WHERE w.kind = 'update' AND d.collection = w.collection AND d.id = w.id AND d.version = w.expected;
        GET DIAGNOSTICS affected = ROW_COUNT;
        applied := applied + affected;
        DELETE FROM documents d
         USING unnest(write_kinds, write_collections, write_ids, write_expected) AS w(kind, collection, id, expected)
         WHERE w.kind = 'delete' AND d.collection = w.collection AND d.id = w.id AND d.version = w.expected;
        GET DIAGNOSTICS affected = ROW_COUNT;
        applied := applied + affected;
        -- Validated under the locks, so every write applies; anything else is a bug, and the
        -- statement fails rather than commit half of it.
        IF applied <> coalesce(cardinality(write_ids), 0) THEN
          RAISE EXCEPTION 'clearway_commit: a validated commit applied % of % writes', applied, cardinality(write_ids);
        END IF;
        INSERT INTO document_changes (seq, collection, id, version, origin)
          SELECT commit_seq, w.collection, w.id,
                 CASE w.kind WHEN 'create' THEN 1 WHEN 'update' THEN w.expected + 1 END, clearway_commit.origin
            FROM unnest(write_kinds, write_collections, write_ids, write_expected) AS w(kind, collection, id, expected);
        IF notify_channel IS NOT NULL THEN
          PERFORM pg_notify(notify_channel, coalesce(clearway_commit.origin, ''));
        END IF;
        RETURN pg_current_xact_id()::text;
      END
      $commit$;
    `,
};

/**
 * clearway_commit with one statement per written document (by primary key). The first version
 * joined the documents with the unnest()ed write arrays, and the generic plan PL/pgSQL settles on
 * for such a join may scan the whole table on every commit.
 */
export const COMMIT_FUNCTION_ROW_WRITES_MIGRATION: { name: string; sql: string } = {
  name: 'commit-function-row-writes',
  sql: `
      CREATE OR REPLACE FUNCTION clearway_commit(
        lock_keys bigint[], lock_exclusive boolean[],
        read_collections text[], read_ids text[], read_seqs bigint[],
        write_kinds text[], write_collections text[], write_ids text[], write_data text[], write_expected integer[], write_seen boolean[],
        query_texts text[], query_expected jsonb[],
        origin text, notify_channel text, pause_seconds double precision
      ) RETURNS text LANGUAGE plpgsql VOLATILE AS $commit$
      DECLARE
        i integer;
        now_version integer;
        now_seq bigint;
        got jsonb;
        commit_seq bigint;
        affected bigint;
      BEGIN
        -- Under REPEATABLE READ or SERIALIZABLE the checks below would read the snapshot taken
        -- before the locks were granted, and miss the commits that held them.
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'clearway_commit runs in READ COMMITTED, not %', current_setting('transaction_isolation');
        END IF;
        FOR i IN 1 .. coalesce(cardinality(lock_keys), 0) LOOP
          IF lock_exclusive[i] THEN
            PERFORM pg_advisory_xact_lock(lock_keys[i]);
          ELSE
            PERFORM pg_advisory_xact_lock_shared(lock_keys[i]);
          END IF;
        END LOOP;

        FOR i IN 1 .. coalesce(cardinality(write_ids), 0) LOOP
          SELECT d.version INTO now_version FROM documents d WHERE d.collection = write_collections[i] AND d.id = write_ids[i];
          IF (write_kinds[i] = 'create' AND NOT FOUND) OR (write_kinds[i] <> 'create' AND FOUND AND now_version = write_expected[i]) THEN
            CONTINUE;
          END IF;
          IF write_seen[i] THEN
            RAISE EXCEPTION USING ERRCODE = 'CW001', MESSAGE = 'clearway: the transaction lost a race', DETAIL = write_collections[i], HINT = write_ids[i];
          END IF;
          RAISE EXCEPTION USING ERRCODE = 'CW002', MESSAGE = 'clearway: stale expected version', DETAIL = write_collections[i], HINT = write_ids[i];
        END LOOP;

        FOR i IN 1 .. coalesce(cardinality(read_ids), 0) LOOP
          SELECT d.seq INTO now_seq FROM documents d WHERE d.collection = read_collections[i] AND d.id = read_ids[i];
          IF NOT FOUND THEN
            now_seq := NULL;
          END IF;
          IF now_seq IS DISTINCT FROM read_seqs[i] THEN
            RAISE EXCEPTION USING ERRCODE = 'CW001', MESSAGE = 'clearway: the transaction lost a race', DETAIL = read_collections[i], HINT = read_ids[i];
          END IF;
        END LOOP;

        -- The same documents at the same seqs: the order is then the same too (it depends only on
        -- their data and ids), so the comparison is by set.
        FOR i IN 1 .. coalesce(cardinality(query_texts), 0) LOOP
          EXECUTE 'SELECT coalesce(jsonb_object_agg(q.id, q.seq), ''{}''::jsonb) FROM (' || query_texts[i] || ') AS q' INTO got;
          IF got IS DISTINCT FROM query_expected[i] THEN
            RAISE EXCEPTION USING ERRCODE = 'CW001', MESSAGE = 'clearway: the transaction lost a race', DETAIL = '(query)', HINT = '(query)';
          END IF;
        END LOOP;

        IF pause_seconds > 0 THEN
          PERFORM pg_sleep(pause_seconds);
        END IF;

        commit_seq := nextval('document_commit_seq');
        -- One statement per document, by primary key: a join of the documents with unnest()ed
        -- arrays gets a generic plan that may scan the table (the arrays' size is unknown to it).
        FOR i IN 1 .. coalesce(cardinality(write_ids), 0) LOOP
          IF write_kinds[i] = 'create' THEN
            INSERT INTO documents (collection, id, version, data, seq) VALUES (write_collections[i], write_ids[i], 1, write_data[i]::jsonb, commit_seq);
          ELSIF write_kinds[i] = 'update' THEN
            UPDATE documents SET data = write_data[i]::jsonb, version = version + 1, seq = commit_seq
             WHERE collection = write_collections[i] AND id = write_ids[i] AND version = write_expected[i];
          ELSE
            DELETE FROM documents WHERE collection = write_collections[i] AND id = write_ids[i] AND version = write_expected[i];
          END IF;
          GET DIAGNOSTICS affected = ROW_COUNT;
          -- Validated under the locks, so every write applies; anything else is a bug, and the
          -- statement fails rather than commit half of it.
          IF affected <> 1 THEN
            RAISE EXCEPTION 'clearway_commit: a validated write of %/% did not apply', write_collections[i], write_ids[i];
          END IF;
        END LOOP;
        INSERT INTO document_changes (seq, collection, id, version, origin)
          SELECT commit_seq, w.collection, w.id,
                 CASE w.kind WHEN 'create' THEN 1 WHEN 'update' THEN w.expected + 1 END, clearway_commit.origin
            FROM unnest(write_kinds, write_collections, write_ids, write_expected) AS w(kind, collection, id, expected);
        IF notify_channel IS NOT NULL THEN
          PERFORM pg_notify(notify_channel, coalesce(clearway_commit.origin, ''));
        END IF;
        RETURN pg_current_xact_id()::text;
      END
      $commit$;
    `,
};

/**
 * clearway_commit, leaner, and answering with its commit seq:
 *   - a write checks its own precondition as it applies (`UPDATE … WHERE version = expected AND
 *     seq = the seq it was read at`, `INSERT … ON CONFLICT DO NOTHING`), and an affected count
 *     of 0 raises CW001 (the attempt had seen the document: a race) or CW002 (a blind write:
 *     stale). The store no longer sends the reads of documents it writes, so a written document
 *     costs one statement instead of three (precondition, read check, write);
 *   - it returns the commit seq, so the store can keep what it wrote, at that seq, as the next
 *     transaction's read of it (postgresDocumentStore.ts, the recent-documents cache);
 *   - `session_hash`, when given, must name a live session at `session_now` (else CW003): a
 *     command whose session was looked up from a cache is still refused, with nothing written, if
 *     the session ended meanwhile, in this process or another.
 * Everything else (locks in the given order, read and query checks under them, READ COMMITTED,
 * the change rows and the NOTIFY) is as before.
 */
export const COMMIT_FUNCTION_LEAN_MIGRATION: { name: string; sql: string } = {
  name: 'commit-function-lean',
  sql: `
      DROP FUNCTION clearway_commit(bigint[], boolean[], text[], text[], bigint[], text[], text[], text[], text[], integer[], boolean[],
                                    text[], jsonb[], text, text, double precision);
      CREATE FUNCTION clearway_commit(
        lock_keys bigint[], lock_exclusive boolean[],
        read_collections text[], read_ids text[], read_seqs bigint[],
        write_kinds text[], write_collections text[], write_ids text[], write_data text[], write_expected integer[], write_seen boolean[],
        write_seqs bigint[],
        query_texts text[], query_expected jsonb[],
        origin text, notify_channel text, pause_seconds double precision,
        session_hash text, session_now timestamptz
      ) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $commit$
      DECLARE
        i integer;
        now_seq bigint;
        got jsonb;
        commit_seq bigint;
        affected bigint;
      BEGIN
        -- Under REPEATABLE READ or SERIALIZABLE the checks below would read the snapshot taken
        -- before the locks were granted, and miss the commits that held them.
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'clearway_commit runs in READ COMMITTED, not %', current_setting('transaction_isolation');
        END IF;
        FOR i IN 1 .. coalesce(cardinality(lock_keys), 0) LOOP
          IF lock_exclusive[i] THEN
            PERFORM pg_advisory_xact_lock(lock_keys[i]);
          ELSE
            PERFORM pg_advisory_xact_lock_shared(lock_keys[i]);
          END IF;
        END LOOP;

        -- After the locks: a sign-out (or a disabling) that committed before them refuses this commit.
        IF session_hash IS NOT NULL THEN
          PERFORM 1 FROM sessions s WHERE s.token_hash = session_hash AND s.expires_at > session_now;
          IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'CW003', MESSAGE = 'clearway: the session ended';
          END IF;
        END IF;

        FOR i IN 1 .. coalesce(cardinality(read_ids), 0) LOOP
          SELECT d.seq INTO now_seq FROM documents d WHERE d.collection = read_collections[i] AND d.id = read_ids[i];
          IF NOT FOUND THEN
            now_seq := NULL;
          END IF;
          IF now_seq IS DISTINCT FROM read_seqs[i] THEN
            RAISE EXCEPTION USING ERRCODE = 'CW001', MESSAGE = 'clearway: the transaction lost a race', DETAIL = read_collections[i], HINT = read_ids[i];
          END IF;
        END LOOP;

        -- The same documents at the same seqs: the order is then the same too (it depends only on
        -- their data and ids), so the comparison is by set.
        FOR i IN 1 .. coalesce(cardinality(query_texts), 0) LOOP
          EXECUTE 'SELECT coalesce(jsonb_object_agg(q.id, q.seq), ''{}''::jsonb) FROM (' || query_texts[i] || ') AS q' INTO got;
          IF got IS DISTINCT FROM query_expected[i] THEN
            RAISE EXCEPTION USING ERRCODE = 'CW001', MESSAGE = 'clearway: the transaction lost a race', DETAIL = '(query)', HINT = '(query)';
          END IF;
        END LOOP;

        IF pause_seconds > 0 THEN
          PERFORM pg_sleep(pause_seconds);
        END IF;

        commit_seq := nextval('document_commit_seq');
        -- One statement per document, by primary key (a join with unnest()ed arrays gets a generic
        -- plan that may scan the table), each its own precondition: a raise undoes the writes before it.
        FOR i IN 1 .. coalesce(cardinality(write_ids), 0) LOOP
          IF write_kinds[i] = 'create' THEN
            INSERT INTO documents (collection, id, version, data, seq) VALUES (write_collections[i], write_ids[i], 1, write_data[i]::jsonb, commit_seq)
              ON CONFLICT DO NOTHING;
          ELSIF write_kinds[i] = 'update' THEN
            UPDATE documents SET data = write_data[i]::jsonb, version = version + 1, seq = commit_seq
             WHERE collection = write_collections[i] AND id = write_ids[i] AND version = write_expected[i]
               AND (write_seqs[i] IS NULL OR seq = write_seqs[i]);
          ELSE
            DELETE FROM documents WHERE collection = write_collections[i] AND id = write_ids[i] AND version = write_expected[i]
               AND (write_seqs[i] IS NULL OR seq = write_seqs[i]);
          END IF;
          GET DIAGNOSTICS affected = ROW_COUNT;
          IF affected <> 1 THEN
            IF write_seen[i] THEN
              RAISE EXCEPTION USING ERRCODE = 'CW001', MESSAGE = 'clearway: the transaction lost a race', DETAIL = write_collections[i], HINT = write_ids[i];
            END IF;
            RAISE EXCEPTION USING ERRCODE = 'CW002', MESSAGE = 'clearway: stale expected version', DETAIL = write_collections[i], HINT = write_ids[i];
          END IF;
        END LOOP;
        INSERT INTO document_changes (seq, collection, id, version, origin)
          SELECT commit_seq, w.collection, w.id,
                 CASE w.kind WHEN 'create' THEN 1 WHEN 'update' THEN w.expected + 1 END, clearway_commit.origin
            FROM unnest(write_kinds, write_collections, write_ids, write_expected) AS w(kind, collection, id, expected);
        IF notify_channel IS NOT NULL THEN
          PERFORM pg_notify(notify_channel, coalesce(clearway_commit.origin, ''));
        END IF;
        RETURN commit_seq;
      END
      $commit$;
    `,
};

/**
 * clearway_commit as commit-function-lean, with its advisory locks taken by one statement instead
 * of one per lock (a command's commit takes a dozen: its documents, their collections, the
 * predicates they fall under), in the same order.
 */
export const COMMIT_FUNCTION_ONE_LOCK_STATEMENT_MIGRATION: { name: string; sql: string } = {
  name: 'commit-function-one-lock-statement',
  sql: `
      CREATE OR REPLACE FUNCTION clearway_commit(
        lock_keys bigint[], lock_exclusive boolean[],
        read_collections text[], read_ids text[], read_seqs bigint[],
        write_kinds text[], write_collections text[], write_ids text[], write_data text[], write_expected integer[], write_seen boolean[],
        write_seqs bigint[],
        query_texts text[], query_expected jsonb[],
        origin text, notify_channel text, pause_seconds double precision,
        session_hash text, session_now timestamptz
      ) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $commit$
      DECLARE
        i integer;
        now_seq bigint;
        got jsonb;
        commit_seq bigint;
        affected bigint;
      BEGIN
        -- Under REPEATABLE READ or SERIALIZABLE the checks below would read the snapshot taken
        -- before the locks were granted, and miss the commits that held them.
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'clearway_commit runs in READ COMMITTED, not %', current_setting('transaction_isolation');
        END IF;
        -- One statement for every lock, taken in the order given (unnest's order, which ORDER BY keeps).
        PERFORM CASE WHEN l.exclusive THEN pg_advisory_xact_lock(l.key)::text ELSE pg_advisory_xact_lock_shared(l.key)::text END
           FROM unnest(lock_keys, lock_exclusive) WITH ORDINALITY AS l(key, exclusive, ord)
          ORDER BY l.ord;

        -- After the locks: a sign-out (or a disabling) that committed before them refuses this commit.
        IF session_hash IS NOT NULL THEN
          PERFORM 1 FROM sessions s WHERE s.token_hash = session_hash AND s.expires_at > session_now;
          IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'CW003', MESSAGE = 'clearway: the session ended';
          END IF;
        END IF;

        FOR i IN 1 .. coalesce(cardinality(read_ids), 0) LOOP
          SELECT d.seq INTO now_seq FROM documents d WHERE d.collection = read_collections[i] AND d.id = read_ids[i];
          IF NOT FOUND THEN
            now_seq := NULL;
          END IF;
          IF now_seq IS DISTINCT FROM read_seqs[i] THEN
            RAISE EXCEPTION USING ERRCODE = 'CW001', MESSAGE = 'clearway: the transaction lost a race', DETAIL = read_collections[i], HINT = read_ids[i];
          END IF;
        END LOOP;

        -- The same documents at the same seqs: the order is then the same too (it depends only on
        -- their data and ids), so the comparison is by set.
        FOR i IN 1 .. coalesce(cardinality(query_texts), 0) LOOP
          EXECUTE 'SELECT coalesce(jsonb_object_agg(q.id, q.seq), ''{}''::jsonb) FROM (' || query_texts[i] || ') AS q' INTO got;
          IF got IS DISTINCT FROM query_expected[i] THEN
            RAISE EXCEPTION USING ERRCODE = 'CW001', MESSAGE = 'clearway: the transaction lost a race', DETAIL = '(query)', HINT = '(query)';
          END IF;
        END LOOP;

        IF pause_seconds > 0 THEN
          PERFORM pg_sleep(pause_seconds);
        END IF;

        commit_seq := nextval('document_commit_seq');
        -- One statement per document, by primary key (a join with unnest()ed arrays gets a generic
        -- plan that may scan the table), each its own precondition: a raise undoes the writes before it.
        FOR i IN 1 .. coalesce(cardinality(write_ids), 0) LOOP
          IF write_kinds[i] = 'create' THEN
            INSERT INTO documents (collection, id, version, data, seq) VALUES (write_collections[i], write_ids[i], 1, write_data[i]::jsonb, commit_seq)
              ON CONFLICT DO NOTHING;
          ELSIF write_kinds[i] = 'update' THEN
            UPDATE documents SET data = write_data[i]::jsonb, version = version + 1, seq = commit_seq
             WHERE collection = write_collections[i] AND id = write_ids[i] AND version = write_expected[i]
               AND (write_seqs[i] IS NULL OR seq = write_seqs[i]);
          ELSE
            DELETE FROM documents WHERE collection = write_collections[i] AND id = write_ids[i] AND version = write_expected[i]
               AND (write_seqs[i] IS NULL OR seq = write_seqs[i]);
          END IF;
          GET DIAGNOSTICS affected = ROW_COUNT;
          IF affected <> 1 THEN
            IF write_seen[i] THEN
              RAISE EXCEPTION USING ERRCODE = 'CW001', MESSAGE = 'clearway: the transaction lost a race', DETAIL = write_collections[i], HINT = write_ids[i];
            END IF;
            RAISE EXCEPTION USING ERRCODE = 'CW002', MESSAGE = 'clearway: stale expected version', DETAIL = write_collections[i], HINT = write_ids[i];
          END IF;
        END LOOP;
        INSERT INTO document_changes (seq, collection, id, version, origin)
          SELECT commit_seq, w.collection, w.id,
                 CASE w.kind WHEN 'create' THEN 1 WHEN 'update' THEN w.expected + 1 END, clearway_commit.origin
            FROM unnest(write_kinds, write_collections, write_ids, write_expected) AS w(kind, collection, id, expected);
        IF notify_channel IS NOT NULL THEN
          PERFORM pg_notify(notify_channel, coalesce(clearway_commit.origin, ''));
        END IF;
        RETURN commit_seq;
      END
      $commit$;
    `,
};

/**
 * clearway_commit as commit-function-one-lock-statement, with the writes' data, the queries' texts
 * and their expected results each ONE jsonb array (element i for write or query i; a delete's data
 * is null) instead of a text[] or jsonb[] of JSON texts: node-postgres escaped every quote of every
 * JSON text into the array literal and PostgreSQL parsed the literal, then each element again. Now
 * the client joins the JSON texts it already has and PostgreSQL parses them once.
 */
export const COMMIT_FUNCTION_JSONB_ARRAYS_MIGRATION: { name: string; sql: string } = {
  name: 'commit-function-jsonb-arrays',
  sql: `
      DROP FUNCTION clearway_commit(bigint[], boolean[], text[], text[], bigint[], text[], text[], text[], text[], integer[], boolean[],
                                    bigint[], text[], jsonb[], text, text, double precision, text, timestamptz);
      CREATE FUNCTION clearway_commit(
        lock_keys bigint[], lock_exclusive boolean[],
        read_collections text[], read_ids text[], read_seqs bigint[],
        write_kinds text[], write_collections text[], write_ids text[], write_data jsonb, write_expected integer[], write_seen boolean[],
        write_seqs bigint[],
        query_texts jsonb, query_expected jsonb,
        origin text, notify_channel text, pause_seconds double precision,
        session_hash text, session_now timestamptz
      ) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $commit$
      DECLARE
        i integer;
        now_seq bigint;
        got jsonb;
        commit_seq bigint;
        affected bigint;
      BEGIN
        -- Under REPEATABLE READ or SERIALIZABLE the checks below would read the snapshot taken
        -- before the locks were granted, and miss the commits that held them.
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'clearway_commit runs in READ COMMITTED, not %', current_setting('transaction_isolation');
        END IF;
        -- One statement for every lock, taken in the order given (unnest's order, which ORDER BY keeps).
        PERFORM CASE WHEN l.exclusive THEN pg_advisory_xact_lock(l.key)::text ELSE pg_advisory_xact_lock_shared(l.key)::text END
           FROM unnest(lock_keys, lock_exclusive) WITH ORDINALITY AS l(key, exclusive, ord)
          ORDER BY l.ord;

        -- After the locks: a sign-out (or a disabling) that committed before them refuses this commit.
        IF session_hash IS NOT NULL THEN
          PERFORM 1 FROM sessions s WHERE s.token_hash = session_hash AND s.expires_at > session_now;
          IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'CW003', MESSAGE = 'clearway: the session ended';
          END IF;
        END IF;

        FOR i IN 1 .. coalesce(cardinality(read_ids), 0) LOOP
          SELECT d.seq INTO now_seq FROM documents d WHERE d.collection = read_collections[i] AND d.id = read_ids[i];
          IF NOT FOUND THEN
            now_seq := NULL;
          END IF;
          IF now_seq IS DISTINCT FROM read_seqs[i] THEN
            RAISE EXCEPTION USING ERRCODE = 'CW001', MESSAGE = 'clearway: the transaction lost a race', DETAIL = read_collections[i], HINT = read_ids[i];
          END IF;
        END LOOP;

        -- The same documents at the same seqs: the order is then the same too (it depends only on
        -- their data and ids), so the comparison is by set.
        FOR i IN 1 .. coalesce(jsonb_array_length(query_texts), 0) LOOP
          EXECUTE 'SELECT coalesce(jsonb_object_agg(q.id, q.seq), ''{}''::jsonb) FROM (' || (query_texts ->> (i - 1)) || ') AS q' INTO got;
          IF got IS DISTINCT FROM (query_expected -> (i - 1)) THEN
            RAISE EXCEPTION USING ERRCODE = 'CW001', MESSAGE = 'clearway: the transaction lost a race', DETAIL = '(query)', HINT = '(query)';
          END IF;
        END LOOP;

        IF pause_seconds > 0 THEN
          PERFORM pg_sleep(pause_seconds);
        END IF;

        commit_seq := nextval('document_commit_seq');
        -- One statement per document, by primary key (a join with unnest()ed arrays gets a generic
        -- plan that may scan the table), each its own precondition: a raise undoes the writes before it.
        FOR i IN 1 .. coalesce(cardinality(write_ids), 0) LOOP
          IF write_kinds[i] = 'create' THEN
            INSERT INTO documents (collection, id, version, data, seq) VALUES (write_collections[i], write_ids[i], 1, write_data -> (i - 1), commit_seq)
              ON CONFLICT DO NOTHING;
          ELSIF write_kinds[i] = 'update' THEN
            UPDATE documents SET data = write_data -> (i - 1), version = version + 1, seq = commit_seq
             WHERE collection = write_collections[i] AND id = write_ids[i] AND version = write_expected[i]
               AND (write_seqs[i] IS NULL OR seq = write_seqs[i]);
          ELSE
            DELETE FROM documents WHERE collection = write_collections[i] AND id = write_ids[i] AND version = write_expected[i]
               AND (write_seqs[i] IS NULL OR seq = write_seqs[i]);
          END IF;
          GET DIAGNOSTICS affected = ROW_COUNT;
          IF affected <> 1 THEN
            IF write_seen[i] THEN
              RAISE EXCEPTION USING ERRCODE = 'CW001', MESSAGE = 'clearway: the transaction lost a race', DETAIL = write_collections[i], HINT = write_ids[i];
            END IF;
            RAISE EXCEPTION USING ERRCODE = 'CW002', MESSAGE = 'clearway: stale expected version', DETAIL = write_collections[i], HINT = write_ids[i];
          END IF;
        END LOOP;
        INSERT INTO document_changes (seq, collection, id, version, origin)
          SELECT commit_seq, w.collection, w.id,
                 CASE w.kind WHEN 'create' THEN 1 WHEN 'update' THEN w.expected + 1 END, clearway_commit.origin
            FROM unnest(write_kinds, write_collections, write_ids, write_expected) AS w(kind, collection, id, expected);
        IF notify_channel IS NOT NULL THEN
          PERFORM pg_notify(notify_channel, coalesce(clearway_commit.origin, ''));
        END IF;
        RETURN commit_seq;
      END
      $commit$;
    `,
};

/**
 * Group commit: several transactions' commits in ONE statement, so one database transaction,
 * one round trip and one WAL flush serve them all (the store gathers the commits that arrive while
 * earlier ones are on their way: postgresDocumentStore.ts, GroupCommitter). On a small machine
 * the per-transaction costs (the protocol round trip, the transaction's start and commit, the
 * flush, the driver's parse and serialize) were most of a command's database time.
 *
 * Each item is one transaction's commit, as clearway_commit checks it, but without raising: an
 * item whose check fails writes nothing and answers with its code (CW001: lost a race, run
 * again; CW002: a blind write's version is stale; CW003: its session ended), and the items after
 * it still commit. So the checks of an item come BEFORE any of its writes (a raise would undo
 * the items before it too): its session, its reads at their seqs, its queries' results, and each
 * write's precondition (create: absent; update/delete: at the expected version and, when read, at
 * the seq it was read at); only then its writes, under its own commit seq, with its change rows.
 *
 * Locks: the union of every item's locks (an exclusive need wins), taken first, in key order, as
 * one commit takes its own: no two batches (or a batch and a single commit) wait for each other
 * in a cycle. Items of one batch share the locks, so they do not exclude each other; instead an
 * item sees what the items before it wrote (one transaction, READ COMMITTED: a fresh snapshot per
 * statement), so one that read a document an earlier item changed fails its seq check and runs
 * again. The batch is serializable in item order.
 *
 * Items' parts are flat arrays (the reads of every item, one after another, and so on);
 * `item_*_ends[i]` is the 1-based index of item i's last read, write or query (its first is one
 * after the previous item's end). An ERROR (a bug: a validated write that did not apply; or a
 * parameter the database refuses, such as U+0000 in jsonb) aborts the whole batch: nothing of it
 * is written, and the store sends its items again one by one (a deadlock's or serialization
 * failure's items each run their transaction again; a broken connection's are told the error).
 */
export const COMMIT_BATCH_FUNCTION_MIGRATION: { name: string; sql: string } = {
  name: 'commit-batch-function',
  sql: `
      CREATE FUNCTION clearway_commit_batch(
        lock_keys bigint[], lock_exclusive boolean[],
        item_read_ends integer[], read_collections text[], read_ids text[], read_seqs bigint[],
        item_write_ends integer[], write_kinds text[], write_collections text[], write_ids text[], write_data jsonb,
        write_expected integer[], write_seen boolean[], write_seqs bigint[],
        item_query_ends integer[], query_texts jsonb, query_expected jsonb,
        item_sessions text[], item_session_nows timestamptz[],
        commit_origin text, pause_seconds double precision,
        OUT out_item integer, OUT out_seq bigint, OUT out_code text, OUT out_detail text, OUT out_hint text
      ) RETURNS SETOF record LANGUAGE plpgsql VOLATILE AS $commit$
      DECLARE
        items integer := coalesce(cardinality(item_write_ends), 0);
        i integer;
        j integer;
        first_read integer := 1;
        first_write integer := 1;
        first_query integer := 1;
        now_seq bigint;
        got jsonb;
        affected bigint;
      BEGIN
        -- Under REPEATABLE READ or SERIALIZABLE the checks below would read the snapshot taken
        -- before the locks were granted, and miss the commits that held them.
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'clearway_commit_batch runs in READ COMMITTED, not %', current_setting('transaction_isolation');
        END IF;
        PERFORM CASE WHEN l.exclusive THEN pg_advisory_xact_lock(l.key)::text ELSE pg_advisory_xact_lock_shared(l.key)::text END
           FROM unnest(lock_keys, lock_exclusive) WITH ORDINALITY AS l(key, exclusive, ord)
          ORDER BY l.ord;

        FOR i IN 1 .. items LOOP
          out_item := i;
          out_seq := NULL;
          out_code := NULL;
          out_detail := NULL;
          out_hint := NULL;

          -- After the locks: a sign-out (or a disabling) that committed before them refuses the item.
          IF item_sessions[i] IS NOT NULL THEN
            PERFORM 1 FROM sessions s WHERE s.token_hash = item_sessions[i] AND s.expires_at > item_session_nows[i];
            IF NOT FOUND THEN
              out_code := 'CW003';
            END IF;
          END IF;

          j := first_read;
          WHILE out_code IS NULL AND j <= item_read_ends[i] LOOP
            SELECT d.seq INTO now_seq FROM documents d WHERE d.collection = read_collections[j] AND d.id = read_ids[j];
            IF NOT FOUND THEN
              now_seq := NULL;
            END IF;
            IF now_seq IS DISTINCT FROM read_seqs[j] THEN
              out_code := 'CW001';
              out_detail := read_collections[j];
              out_hint := read_ids[j];
            END IF;
            j := j + 1;
          END LOOP;

          -- The same documents at the same seqs: the order is then the same too (it depends only on
          -- their data and ids), so the comparison is by set.
          j := first_query;
          WHILE out_code IS NULL AND j <= item_query_ends[i] LOOP
            EXECUTE 'SELECT coalesce(jsonb_object_agg(q.id, q.seq), ''{}''::jsonb) FROM (' || (query_texts ->> (j - 1)) || ') AS q' INTO got;
            IF got IS DISTINCT FROM (query_expected -> (j - 1)) THEN
              out_code := 'CW001';
              out_detail := '(query)';
              out_hint := '(query)';
            END IF;
            j := j + 1;
          END LOOP;

          j := first_write;
          WHILE out_code IS NULL AND j <= item_write_ends[i] LOOP
            IF write_kinds[j] = 'create' THEN
              PERFORM 1 FROM documents d WHERE d.collection = write_collections[j] AND d.id = write_ids[j];
              affected := CASE WHEN FOUND THEN 0 ELSE 1 END;
            ELSE
              PERFORM 1 FROM documents d
                WHERE d.collection = write_collections[j] AND d.id = write_ids[j] AND d.version = write_expected[j]
                  AND (write_seqs[j] IS NULL OR d.seq = write_seqs[j]);
              affected := CASE WHEN FOUND THEN 1 ELSE 0 END;
            END IF;
            IF affected <> 1 THEN
              out_code := CASE WHEN write_seen[j] THEN 'CW001' ELSE 'CW002' END;
              out_detail := write_collections[j];
              out_hint := write_ids[j];
            END IF;
            j := j + 1;
          END LOOP;

          IF out_code IS NULL THEN
            IF pause_seconds > 0 THEN
              PERFORM pg_sleep(pause_seconds);
            END IF;
            out_seq := nextval('document_commit_seq');
            -- One statement per document, by primary key (a join with unnest()ed arrays gets a
            -- generic plan that may scan the table). Checked above, under the locks: each applies.
            FOR j IN first_write .. item_write_ends[i] LOOP
              IF write_kinds[j] = 'create' THEN
                INSERT INTO documents (collection, id, version, data, seq)
                  VALUES (write_collections[j], write_ids[j], 1, write_data -> (j - 1), out_seq);
              ELSIF write_kinds[j] = 'update' THEN
                UPDATE documents SET data = write_data -> (j - 1), version = version + 1, seq = out_seq
                 WHERE collection = write_collections[j] AND id = write_ids[j] AND version = write_expected[j];
              ELSE
                DELETE FROM documents WHERE collection = write_collections[j] AND id = write_ids[j] AND version = write_expected[j];
              END IF;
              GET DIAGNOSTICS affected = ROW_COUNT;
              IF affected <> 1 THEN
                RAISE EXCEPTION 'clearway_commit_batch: a validated write of %/% did not apply', write_collections[j], write_ids[j];
              END IF;
            END LOOP;
            INSERT INTO document_changes (seq, collection, id, version, origin)
              SELECT out_seq, w.collection, w.id, CASE w.kind WHEN 'create' THEN 1 WHEN 'update' THEN w.expected + 1 END, commit_origin
                FROM unnest(write_kinds[first_write:item_write_ends[i]], write_collections[first_write:item_write_ends[i]],
                            write_ids[first_write:item_write_ends[i]], write_expected[first_write:item_write_ends[i]])
                  AS w(kind, collection, id, expected);
          END IF;

          first_read := item_read_ends[i] + 1;
          first_write := item_write_ends[i] + 1;
          first_query := item_query_ends[i] + 1;
          RETURN NEXT;
        END LOOP;
      END
      $commit$;
    `,
};
