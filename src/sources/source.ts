/**
 * Followed sources: every kind (YouTube channel or playlist, podcast feed, Xiaoyuzhou show,
 * local folder) is one `Source`: it discovers the media items it has now, and fetches one
 * item's transcript (a publisher's transcript, subtitles) or its audio for recognition.
 * The job queue (pipeline/jobs.ts) and `engram update` (pipeline/update.ts) drive them all
 * the same way, so retries, backoff, progress and reporting are written once.
 */
import type { TimedLine } from '../formats/timed-utterances.js';
import type { Seconds } from '../model.js';
import type { HostPacer } from './pacer.js';

export type SourceKind = 'youtube' | 'feed' | 'xiaoyuzhou' | 'folder';

/** One media item as its source lists it. Stored with its job as JSON. */
export interface Item {
  /** Identity within the source: the feed item's guid, the YouTube video ID, the Xiaoyuzhou episode ID. */
  key: string;
  title?: string;
  /** Canonical URL of the media item (episode page, watch URL): what joins it with other files about it. */
  url?: string;
  /** ISO date `YYYY-MM-DD`. */
  date?: string;
  /** The show or channel, as the source names it. */
  show?: string;
  /** Feed language (`zh-cn`, `en-us`): the recognizer's language and script hint. */
  language?: string;
  duration?: Seconds;
  /** Why the item is listed but not fetched (live, upcoming, members-only). */
  skip?: string;
  /** The audio (or video) file of the episode. */
  enclosure?: { url: string; type?: string; length?: number };
  /** `<podcast:transcript>` links. */
  transcripts?: { url: string; type: string; language?: string; rel?: string }[];
  /** `<podcast:person>` names (hosts, guests). */
  persons?: string[];
  /** `<podcast:chapters>` JSON link. */
  chapters?: string;
}

export interface Chapter {
  start: Seconds;
  title: string;
}

/** A transcript as fetched or recognized, before it is written as a file for ingest. */
export interface Transcript {
  lines: TimedLine[];
  /** Where the text came from, shown in the file's header (`publisher (text/vtt)`, `YouTube subtitles (en, manual)`, `recognition (whisper-1)`). */
  origin: string;
  language?: string;
  speakers?: string[];
  chapters?: Chapter[];
  /** Problems that did not stop the fetch (a chapters file that would not load), for the report. */
  warnings?: string[];
}

/** What fetching an item gave. */
export type Fetched =
  | { kind: 'transcript'; transcript: Transcript; item?: Partial<Item> }
  /** Audio downloaded to `path` (absolute), to be recognized. */
  | { kind: 'audio'; path: string; item?: Partial<Item> }
  /** Found out at fetch time that the item is not to be fetched (went live, members-only). */
  | { kind: 'skip'; reason: string; item?: Partial<Item> };

/** A source's memory between updates (feed URL after a move, validators for conditional requests). */
export interface SourceState {
  feedUrl?: string;
  etag?: string;
  lastModified?: string;
  title?: string;
  [key: string]: unknown;
}

export interface Discovery {
  /** Items the source lists now, newest first. */
  items: Item[];
  /** The show's or channel's own title (the default name on `source add`). */
  title?: string;
  state: SourceState;
  /** The server said nothing changed since last time (HTTP 304). */
  unchanged?: boolean;
  /** Folders to ingest as they are (folder sources). */
  folders?: string[];
  /** Things the user should know (a feed that moved). */
  notes?: string[];
}

/** Services and limits a source may use. */
export interface SourceContext {
  state: SourceState;
  /** Polite spacing of requests to one host. */
  pacer: HostPacer;
  /** Folder for downloaded media of this source (created on demand). */
  mediaDir: string;
  /** Whether audio is worth downloading (a recognizer is configured). */
  wantAudio: boolean;
  /** Largest enclosure accepted, in bytes. */
  maxAudioBytes: number;
  /** yt-dlp executable and cookies file, for YouTube. */
  ytdlp?: { path?: string; cookies?: string };
  /** HTTP attempts and timeouts (tests shorten them). */
  retry?: { attempts?: number; timeoutMs?: number; baseDelayMs?: number; maxDelayMs?: number };
  onBytes?: (bytes: number) => void;
  signal?: AbortSignal;
}

export interface Source {
  readonly kind: SourceKind;
  discover(ctx: SourceContext): Promise<Discovery>;
  fetch(item: Item, ctx: SourceContext): Promise<Fetched>;
}

/**
 * How a failure should be treated:
 * - `transient`: network, timeout, 429, 5xx — retried with backoff, up to the retry limit;
 * - `blocked`: the service refuses us for now (rate limit, "confirm you're not a bot") —
 *   retried later, never counted towards a permanent failure;
 * - `permanent`: retrying will not help (404, not audio, too large) — `engram jobs retry` re-queues;
 * - `waiting`: needs something the user must set up (a recognizer, yt-dlp) — re-checked every update.
 */
export type FailureKind = 'transient' | 'blocked' | 'permanent' | 'waiting';

export class FollowError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    /** What the user can do about it. */
    readonly hint?: string,
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'FollowError';
  }
}

/** Thrown by a fetch that finds the item is not to be fetched after all (went live, members-only). */
export class SkipItem extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SkipItem';
  }
}
