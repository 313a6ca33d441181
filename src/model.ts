/**
 * The data model every stage shares. A source yields files; a format parser turns a file
 * into parsed documents; the store merges parsed documents that describe the same media
 * item (same join key) into one document with several renditions.
 */

/** Seconds from the start of the media. */
export type Seconds = number;

/**
 * What a rendition is, which decides how it is shown and how much a match in it weighs.
 * - `summary`: an LLM summary of the media item.
 * - `transcript`: a cleaned transcript (LLM-tidied text, or a diarized transcript with named speakers).
 * - `raw-transcript`: machine output as recognized (raw subtitles, `SPEAKER_NN` transcripts, SRT, JSON).
 * - `post`: a microblog post. - `note`: a notes page (Logseq). - `text`: anything else.
 */
export type RenditionKind = 'summary' | 'transcript' | 'raw-transcript' | 'post' | 'note' | 'text';

/**
 * `content` is ranked by search; `heading` is structure (kept, shown, searched with content);
 * `boilerplate` is an LLM's preamble, editing notes or sign-off: kept and shown on demand,
 * never ranked as content.
 */
export type PassageRole = 'content' | 'heading' | 'boilerplate';

export interface ParsedPassage {
  /** Display text: normalized (entities, widths, zero-width), original script kept. */
  text: string;
  role: PassageRole;
  /** 1-based line in the source file where the passage starts (provenance, error messages). */
  line: number;
  start?: Seconds;
  end?: Seconds;
  speaker?: string;
  /** Heading level (1-6) for `heading` passages; list nesting depth for list items. */
  depth?: number;
}

/** Metadata a parser found; free-form beyond the named fields, stored as JSON. */
export interface DocumentMetadata {
  /** Number of the entry in its archive (e.g. 600 in "600. [2025-03-23] …"). */
  number?: number;
  /** 【category】 of an archive entry. */
  category?: string;
  keywords?: string[];
  hashtags?: string[];
  links?: string[];
  speakers?: string[];
  participants?: string[];
  /** Model tag of an LLM rendition, e.g. `gemini-2.0-flash,0` (provenance). */
  model?: string;
  /**
   * The entity an exported entity page is about (formats/engram-pages.ts): what the user wrote
   * in the page is a note on that entity, linked to it whether or not the lexicon names it.
   */
  aboutEntity?: { name: string; type?: string; aliases: string[] };
  [key: string]: unknown;
}

/** One media item as one file (or one entry of a multi-entry file) describes it. */
export interface ParsedDocument {
  /**
   * Join key: files describing the same media item share it, so they become renditions of
   * one document. `youtube:<videoId>`, `url:<canonical url>`, or a parser-specific fallback
   * (`file:<absolute path>#<entry>`). Use `mediaKey()` from `formats/media.ts` to build it.
   */
  key: string;
  kind: RenditionKind;
  title?: string;
  /** ISO date `YYYY-MM-DD`. */
  date?: string;
  /** Canonical media URL (`https://www.youtube.com/watch?v=ID`, an episode page), if known. */
  url?: string;
  /** Show, channel or account name if the file says it (the pipeline falls back to the folder). */
  source?: string;
  /** 1-based entry number within a multi-entry file (origins say `file#N`); absent for single-document files. */
  entry?: number;
  metadata: DocumentMetadata;
  passages: ParsedPassage[];
  /**
   * The rendition's original text (Markdown) for display. Multi-entry parsers set it to the
   * entry's own slice; when absent, a single-document file's whole text is used.
   */
  body?: string;
}

export interface ParseWarning {
  line: number;
  message: string;
}

export interface ParseResult {
  documents: ParsedDocument[];
  /** Recoverable problems (a truncated entry, a malformed line): reported, the rest is kept. */
  warnings: ParseWarning[];
  /**
   * No documents, and that is right: the file holds nothing to ingest (a page engram exported
   * that the user did not write in, formats/engram-pages.ts). It is recorded as read, not
   * reported as failed; what it gave before is removed.
   */
  nothingToRead?: boolean;
}

/** A file as parsers see it: already decoded to a string. */
export interface SourceFile {
  /** Path relative to the ingested root, with `/` separators (used in origins). */
  relPath: string;
  /** Absolute path on disk. */
  absPath: string;
  text: string;
}

/** Every format parser looks the same. */
export interface FormatParser {
  /** Stable name, used by `--format NAME` and stored as provenance. */
  readonly name: string;
  /**
   * How sure this parser is that the file is its format, from content (0 = not mine, 1 = certain).
   * Must be cheap: look at the first few KB. Detection never trusts the extension alone.
   */
  detect(file: SourceFile): number;
  parse(file: SourceFile): ParseResult;
}
