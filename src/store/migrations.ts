/**
 * Versioned schema. Each migration runs once, in order, inside a transaction; the version
 * lives in SQLite's `user_version`. Never edit a shipped migration: add the next one.
 *
 * Full-text design: passages are segmented and folded in TypeScript (jieba + OpenCC, see
 * text/segment.ts) and stored in FTS5 as space-separated terms, so SQLite only splits on
 * spaces and ranks with BM25. The FTS tables are contentless (the text lives once, in
 * `passages`), with `contentless_delete` so a re-ingested file's rows can be removed.
 */
import type Database from 'better-sqlite3';
import { isAbsolute } from 'node:path';
import { canonicalPath } from '../sources/folder.js';

/** SQL, or a function for a change SQL cannot make alone (one that depends on what the library holds). */
export type Migration = string | ((db: Database.Database) => void);

export const migrations: readonly Migration[] = [
  /* 1: files, sources, documents, renditions, passages, full-text index */ `
  CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    abs_path     TEXT NOT NULL UNIQUE,
    root         TEXT NOT NULL,           -- the folder it was ingested under
    rel_path     TEXT NOT NULL,           -- relative to root, '/' separated: origins use it
    size         INTEGER NOT NULL,
    mtime_ms     INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    format       TEXT,
    status       TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    error        TEXT,
    warnings     TEXT NOT NULL DEFAULT '[]',
    ingested_at  TEXT NOT NULL
  );

  CREATE TABLE sources (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
  );

  -- One media item. Its display fields are derived from its renditions (store/documents.ts).
  CREATE TABLE documents (
    id        INTEGER PRIMARY KEY,
    key       TEXT NOT NULL UNIQUE,
    title     TEXT,
    date      TEXT,
    url       TEXT,
    source_id INTEGER,                   -- sources(id), derived in store/write.ts
    metadata  TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX documents_date ON documents(date);
  CREATE INDEX documents_source ON documents(source_id, date);

  CREATE TABLE renditions (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL,       -- documents(id); kept consistent by store/write.ts
    file_id      INTEGER NOT NULL REFERENCES files(id),
    entry        INTEGER,                -- Nth entry of a multi-entry file, else NULL
    kind         TEXT NOT NULL,
    format       TEXT NOT NULL,
    title        TEXT,
    date         TEXT,
    url          TEXT,
    source       TEXT,
    source_named INTEGER NOT NULL DEFAULT 0, -- 1 when the file itself named the source
    metadata     TEXT NOT NULL DEFAULT '{}',
    content_hash TEXT NOT NULL,
    body         TEXT NOT NULL            -- the rendition's original text (Markdown for rendering)
  );
  CREATE INDEX renditions_document ON renditions(document_id);
  CREATE INDEX renditions_file ON renditions(file_id);

  CREATE TABLE passages (
    id           INTEGER PRIMARY KEY,
    rendition_id INTEGER NOT NULL REFERENCES renditions(id),
    document_id  INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    role         TEXT NOT NULL,
    text         TEXT NOT NULL,
    start        REAL,
    end          REAL,
    speaker      TEXT,
    line         INTEGER,
    depth        INTEGER
  );
  CREATE INDEX passages_rendition ON passages(rendition_id, seq);
  CREATE INDEX passages_document ON passages(document_id);
  CREATE INDEX passages_speaker ON passages(speaker) WHERE speaker IS NOT NULL;

  -- Ranked text: summaries, cleaned text, and raw machine transcripts in separate columns so
  -- BM25 can weigh them differently (the same words in a raw transcript rank just below the
  -- cleaned one). Boilerplate is never indexed.
  CREATE VIRTUAL TABLE passages_fts USING fts5(
    summary, body, raw,
    content = '', contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '.+#'",
    detail = full
  );

  -- Titles and keywords, one row per document (rowid = documents.id).
  CREATE VIRTUAL TABLE titles_fts USING fts5(
    title, keywords,
    content = '', contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '.+#'"
  );
  CREATE VIRTUAL TABLE passages_vocab USING fts5vocab(passages_fts, 'row');
  `,
  /* 2: passage embeddings for optional semantic search (semantic/vectors.ts) */ `
  -- One vector per passage and model: float32 little-endian, unit length. A passage that is
  -- deleted (its file re-ingested) loses its vectors with it, so none is ever stale.
  CREATE TABLE passage_vectors (
    passage_id INTEGER NOT NULL,
    model      TEXT NOT NULL,
    vector     BLOB NOT NULL,
    PRIMARY KEY (passage_id, model)
  ) WITHOUT ROWID;
  CREATE TRIGGER passage_vectors_gone AFTER DELETE ON passages BEGIN
    DELETE FROM passage_vectors WHERE passage_id = old.id;
  END;
  `,
  /* 3: renditions engram generates (cleaned transcript, summary, extractive summary) */ `
  -- JSON provenance (store/generated.ts): task, status ('ok' or 'failed' with its reason),
  -- model, prompt versions, tokens, date, language, the transcript it was made from, gate
  -- results. NULL for renditions read from files. Generated renditions belong to their
  -- document, not to a file: they hang on one reserved files row ('engram:generated') that
  -- no ingest touches, so they survive re-ingest of the document's files.
  ALTER TABLE renditions ADD COLUMN generated TEXT;
  CREATE INDEX renditions_generated ON renditions(document_id, format) WHERE generated IS NOT NULL;
  `,
  /* 4: followed sources (engram follow) and their job queue */ `
  -- A source the user follows: a YouTube channel or playlist, a podcast feed, a Xiaoyuzhou
  -- show, or a local folder. Documents keep naming their show in sources(name); this table is
  -- what \`engram update\` polls.
  CREATE TABLE followed_sources (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('youtube', 'feed', 'xiaoyuzhou', 'folder')),
    url        TEXT NOT NULL,           -- as the user gave it (URL, or the folder's absolute path)
    state      TEXT NOT NULL DEFAULT '{}', -- the source's own memory: moved feed URL, ETag, Last-Modified
    options    TEXT NOT NULL DEFAULT '{}', -- per-source settings (keep audio, language)
    added_at   TEXT NOT NULL,
    checked_at TEXT,                    -- last discovery that succeeded
    error      TEXT                     -- last discovery failure, cleared by the next success
  );

  -- One media item of a followed source on its way into the library:
  -- discovered -> fetched (audio on disk) -> transcribed (transcript file written) -> ingested;
  -- or waiting (needs a recognizer or yt-dlp), skipped (live, upcoming, members-only), failed.
  CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES followed_sources(id) ON DELETE CASCADE,
    item_key    TEXT NOT NULL,          -- the item's identity in its source: feed guid, video ID
    title       TEXT,
    url         TEXT,
    date        TEXT,
    item        TEXT NOT NULL,          -- the item as discovered (JSON)
    state       TEXT NOT NULL CHECK (state IN ('discovered', 'fetched', 'transcribed', 'ingested', 'waiting', 'skipped', 'failed')),
    artifact    TEXT,                   -- the file the next step reads (audio, transcript), library-relative
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     INTEGER NOT NULL DEFAULT 0, -- not before (ms since epoch): backoff after a transient failure
    error       TEXT,
    error_kind  TEXT,                   -- transient | blocked | permanent | waiting | skipped
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (source_id, item_key)
  );
  CREATE INDEX jobs_state ON jobs(state, next_at);
  `,
  /* 5: content identity (store/texts.ts), moved files found by content */ `
  ALTER TABLE renditions ADD COLUMN text_hash TEXT;        -- identity of the text (its passages)
  ALTER TABLE renditions ADD COLUMN same_text_as INTEGER;  -- NULL: holds its text; else the rendition (same document) that does
  CREATE INDEX renditions_text ON renditions(document_id, text_hash);
  CREATE INDEX renditions_followers ON renditions(same_text_as) WHERE same_text_as IS NOT NULL;
  CREATE INDEX renditions_content ON renditions(content_hash);
  CREATE INDEX files_content ON files(content_hash);
  -- Texts stored before have no identity yet: the next ingest reads every file again.
  UPDATE files SET content_hash = '' WHERE status = 'ok' AND abs_path <> 'engram:generated';
  `,
  /* 6: terms and entities — corrections of recognition errors, entities and their mentions,
     unified speakers, related documents (src/terms/, src/entities/) */ `
  -- One person, organization, product/model or concept, across scripts, languages and spellings.
  CREATE TABLE entities (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,        -- /entities/SLUG
    name       TEXT NOT NULL,
    type       TEXT NOT NULL CHECK (type IN ('person', 'organization', 'product', 'concept')),
    lexicon_id TEXT UNIQUE,                 -- the lexicon entry it stands for, if any
    aliases    TEXT NOT NULL DEFAULT '[]'   -- every form seen or known (JSON array)
  );
  -- Identity keys: 'person:<name key>' or 'thing:<name key>' (entities/names.ts). Two names
  -- with one key are one entity (習近平, 习近平, Xi Jinping).
  CREATE TABLE entity_keys (
    key       TEXT PRIMARY KEY,
    entity_id INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX entity_keys_entity ON entity_keys(entity_id);

  -- Where a document mentions an entity: a span of a passage, or the document as a whole
  -- (a speaker, a name the summary lists). Rebuilt whenever the document changes.
  CREATE TABLE mentions (
    entity_id   INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    passage_id  INTEGER,
    start       INTEGER,                    -- UTF-16 offsets in the passage text
    end         INTEGER,
    surface     TEXT NOT NULL,
    via         TEXT NOT NULL               -- 'term' | 'summary' | 'speaker'
  );
  CREATE INDEX mentions_entity ON mentions(entity_id, document_id);
  CREATE INDEX mentions_document ON mentions(document_id);
  CREATE INDEX mentions_passage ON mentions(passage_id) WHERE passage_id IS NOT NULL;

  -- The entities each document mentions most (at most 12), for facets and document pages:
  -- a search facet over thousands of documents must not read every mention.
  CREATE TABLE document_entities (
    document_id INTEGER NOT NULL,
    entity_id   INTEGER NOT NULL,
    mentions    INTEGER NOT NULL,
    PRIMARY KEY (document_id, entity_id)
  ) WITHOUT ROWID;

  -- Speaker labels as written (曼奇, Manqi, SPEAKER_01) to the person they are, per document.
  CREATE TABLE speaker_names (
    document_id INTEGER NOT NULL,
    label       TEXT NOT NULL,
    entity_id   INTEGER NOT NULL,
    PRIMARY KEY (document_id, label)
  ) WITHOUT ROWID;

  -- Recognition errors corrected in a passage. The passage text keeps what was heard; the
  -- corrected form is added to the passage's index terms and shown over the original.
  CREATE TABLE corrections (
    id          TEXT PRIMARY KEY,           -- stable across re-ingest (hash of document, origin, line, original, corrected)
    document_id INTEGER NOT NULL,
    passage_id  INTEGER NOT NULL,
    offset      INTEGER NOT NULL,           -- UTF-16 span of the original in the passage text
    length      INTEGER NOT NULL,
    original    TEXT NOT NULL,
    corrected   TEXT NOT NULL,
    entity_id   INTEGER,
    confidence  REAL NOT NULL,
    reason      TEXT NOT NULL,
    line        INTEGER                     -- line of the original in its file
  );
  CREATE INDEX corrections_document ON corrections(document_id);
  CREATE INDEX corrections_passage ON corrections(passage_id);
  -- A user's reverts: never applied again, whatever the next ingest finds.
  CREATE TABLE correction_reverts (
    id          TEXT PRIMARY KEY,
    original    TEXT NOT NULL,
    corrected   TEXT NOT NULL,
    reverted_at TEXT NOT NULL
  ) WITHOUT ROWID;

  -- The same media item covered by two sources (an interview and a channel's digest of it),
  -- stored both ways.
  CREATE TABLE related_documents (
    a      INTEGER NOT NULL,
    b      INTEGER NOT NULL,
    score  REAL NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (a, b)
  ) WITHOUT ROWID;

  -- What the terms stage last ran with (the lexicon's fingerprint): a change reruns it everywhere.
  CREATE TABLE terms_state (
    k TEXT PRIMARY KEY,
    v TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  /* 7: the full-text tables of a new library split terms with FTS5's `ascii` tokenizer */
  (db) => {
    // The index's terms come segmented and folded (text/segment.ts): lowercase words joined by
    // spaces, so all the tokenizer does is split at spaces. `unicode61` also classifies and folds
    // every character, for nothing, at about twice the cost of `ascii` on the corpus's 17 M
    // characters of terms (docs/design.md, "Full-text tokenizer"). Both split our terms alike but
    // for the few that are symbols or marks in Unicode (Kangxi radicals, Indic vowel signs),
    // which `unicode61` dropped: a library that holds passages keeps its tables (rebuilding them
    // would mean segmenting every passage again, for no change in results).
    if (db.prepare('SELECT 1 FROM documents LIMIT 1').get() !== undefined) return;
    db.exec(`
      DROP TABLE passages_vocab;
      DROP TABLE passages_fts;
      DROP TABLE titles_fts;
      CREATE VIRTUAL TABLE passages_fts USING fts5(
        summary, body, raw,
        content = '', contentless_delete = 1,
        tokenize = "ascii tokenchars '.+#'",
        detail = full
      );
      CREATE VIRTUAL TABLE titles_fts USING fts5(
        title, keywords,
        content = '', contentless_delete = 1,
        tokenize = "ascii tokenchars '.+#'"
      );
      CREATE VIRTUAL TABLE passages_vocab USING fts5vocab(passages_fts, 'row');
    `);
  },
  /* 8: each rendition's span of passage ids, for search's map of passages (search/corpus.ts) */ `
  -- Kept by the writer wherever a rendition gets, gives up or loses passages (store/texts.ts),
  -- so a new process maps passages to renditions from these rows instead of aggregating
  -- every passage (0.4 s of CPU, and all of an index read from disk, at 10x the corpus).
  ALTER TABLE renditions ADD COLUMN passages_first INTEGER;             -- lowest passage id
  ALTER TABLE renditions ADD COLUMN passages_last INTEGER;              -- highest passage id
  ALTER TABLE renditions ADD COLUMN passages_count INTEGER NOT NULL DEFAULT 0;
  UPDATE renditions SET (passages_first, passages_last, passages_count) =
    (SELECT min(id), max(id), count(*) FROM passages WHERE rendition_id = renditions.id);
  -- What the map reads, without the rows: a column after body is reached through its overflow pages.
  CREATE INDEX renditions_passages ON renditions(passages_first, passages_last, passages_count, document_id, kind)
    WHERE passages_count > 0;
  `,
  /* 9: files recorded where they are, with the links in their roots resolved (sources/folder.ts canonicalPath) */
  (db) => {
    // A library ingested through a link (`~/media` → `/data/media`) recorded its files again
    // when ingested by the other way. Now the walk records roots resolved; files recorded
    // before are moved to their resolved paths, so the next ingest finds them unchanged. A row
    // whose resolved path is recorded already (both ways were ingested) stays as it is.
    const roots = db.prepare('SELECT DISTINCT root FROM files').pluck().all() as string[];
    const move = db.prepare(
      `UPDATE files SET abs_path = :real || substr(abs_path, length(root) + 1), root = :real
        WHERE root = :root AND substr(abs_path, 1, length(root)) = root
          AND NOT EXISTS (SELECT 1 FROM files f WHERE f.abs_path = :real || substr(files.abs_path, length(files.root) + 1))`,
    );
    for (const root of roots) {
      if (!isAbsolute(root)) continue;
      const real = canonicalPath(root);
      if (real !== root) move.run({ real, root });
    }
  },
  /* 10: documents known only by their file are keyed by its absolute path (formats/media.ts mediaKey) */
  (db) => {
    // They were keyed by the path under the folder ingested, so `todo.md` of two folders was
    // one document. Each such document takes the place of the first file that gave it (one
    // that merged two notes stays one, under the first's key, until either file changes).
    const docs = db.prepare("SELECT id, key FROM documents WHERE key LIKE 'file:%' AND substr(key, 6, 1) <> '/'").all() as { id: number; key: string }[];
    const fileOf = db.prepare(
      `SELECT f.abs_path FROM renditions r JOIN files f ON f.id = r.file_id
        WHERE r.document_id = ? AND f.rel_path = ? ORDER BY f.id LIMIT 1`,
    ).pluck();
    const taken = db.prepare('SELECT 1 FROM documents WHERE key = ?').pluck();
    const rekey = db.prepare('UPDATE documents SET key = ? WHERE id = ?');
    for (const d of docs) {
      const hash = d.key.indexOf('#');
      const rel = d.key.slice('file:'.length, hash === -1 ? undefined : hash);
      const abs = fileOf.get(d.id, rel) as string | undefined;
      const key = abs === undefined ? undefined : `file:${abs}${hash === -1 ? '' : d.key.slice(hash)}`;
      if (key !== undefined && taken.get(key) === undefined) rekey.run(key, d.id);
    }
  },
  /* 11: a revert also holds for the same span of the same text wherever its file goes (terms/store.ts revertKey) */ `
  -- A correction's ID names its document and file: a moved file (another origin, and for a
  -- document known by its file another key) gave the same correction another ID, and the
  -- user's revert no longer held. Reverts made before this have no content key: they hold by ID.
  ALTER TABLE correction_reverts ADD COLUMN content_key TEXT;
  CREATE INDEX correction_reverts_content ON correction_reverts(content_key) WHERE content_key IS NOT NULL;
  `,
  /* 12: where the transcript has the quotes of summaries read from files (quotes/times.ts, quotes/refresh.ts) */ `
  -- A summary another tool wrote claims times ([00:12:34]) that are often wrong, some by an
  -- hour: its passages link to a moment only where their quote was found in the transcript.
  -- Checked at the end of an ingest (and after engram writes a cleaned transcript); a check
  -- holds while the summary and the document's transcripts are those it was made against.
  CREATE TABLE summary_checks (
    rendition_id INTEGER PRIMARY KEY,   -- a summary read from a file (renditions.id)
    version      TEXT NOT NULL          -- its content hash and the document's transcripts (ids, content hashes) checked against
  );
  -- Passages of checked summaries whose quote the transcript has (the first such quote of each).
  CREATE TABLE summary_times (
    passage_id INTEGER PRIMARY KEY,
    start      REAL NOT NULL,           -- seconds where the transcript has it
    status     TEXT NOT NULL            -- 'verbatim' | 'approximate'
  );
  CREATE TRIGGER summary_times_gone AFTER DELETE ON passages BEGIN
    DELETE FROM summary_times WHERE passage_id = old.id;
  END;
  CREATE TRIGGER summary_checks_gone AFTER DELETE ON renditions BEGIN
    DELETE FROM summary_checks WHERE rendition_id = old.id;
  END;
  `,
];
