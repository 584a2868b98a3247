// The master's side of one exchange with a VM's bootstrap/agent (see the protocol comment in
// agent/protocol.ts): reads stdout line by line as it arrives and answers on stdin — the bundle when
// asked, the job after hello, the files the agent lacks, `stop` when the job is being stopped —
// and closes stdin when the agent has reported its end.
//
// Everything the VM sends is hostile input: each line is checked against its message's shape
// (event-check.ts) and the order of the exchange, the facts it reports are filtered
// (fact-check.ts), and lines, output and time are bounded (host-limits.ts). A host that breaks
// any of it is stopped (`stopped`, and `signal` aborts its command) and fails alone.
import { PassThrough } from 'node:stream';
import type { AgentEvent, Grains, JobEnvelope, RunSummary, StateResult, WireMessage } from '../../agent/protocol.ts';
import type { ErrorData } from '../../agent/errors.ts';
import { redact } from '../../agent/pillar/redact.ts';
import { checkEvent, checkWireMessage } from './event-check.ts';
import { checkFacts } from '../pillar/fact-check.ts';
import { DEFAULT_HOST_LIMITS, type HostLimits, LineSplitter, TailBuffer, formatSize } from '../config/host-limits.ts';

export interface ExchangeInput {
  envelope: JobEnvelope;
  bundle: Buffer;
  /** The contents of a state-tree file by sha256. */
  file(hash: string): Buffer | undefined;
  onEvent?(event: AgentEvent): void;
  onMessage?(message: WireMessage): void;
  /** The record the agent kept of an earlier job's run, sent when the envelope asked for it. */
  onLastJob?(jid: string, events: AgentEvent[]): void;
  limits?: Partial<HostLimits>;
}

const EVENTS = new Set(['start', 'result', 'done', 'error']);
const WIRE = new Set(['need-agent', 'need-node', 'hello', 'need-files', 'alive', 'last-job']);
/** Lines of stdout that are not protocol messages, kept for messages (the last ones). */
const NOISE_LINES = 20;
const NOISE_LINE_CHARS = 1000;
/** Bytes of stderr kept for messages (the last ones). */
const STDERR_TAIL = 64 * 1024;

/** Why the master stopped a host before its run ended. */
export interface Stopped {
  status: 'error' | 'timeout';
  error: ErrorData;
}

export class Exchange {
  readonly stdin = new PassThrough();
  bytesSent = 0;
  /** Bytes the host sent (stdout and stderr). */
  bytesReceived = 0;
  readonly requested = { agent: false, files: [] as string[] };
  needNode: { found?: string } | undefined;
  hello: { node: string; agent: string; pid: number } | undefined;
  readonly results: StateResult[] = [];
  readonly errors: ErrorData[] = [];
  /** What the master noticed but let pass: reported facts it dropped. */
  readonly warnings: ErrorData[] = [];
  summary: RunSummary | undefined;
  /** Addresses and grains the host reported with its `start` event, as far as they parse (fact-check.ts). */
  addresses: string[] | undefined;
  grains: Grains | undefined;
  /** The last lines on stdout that are not protocol messages, secrets redacted (an error may quote them). */
  readonly noise: string[] = [];
  /** Set when the master stopped the host: a protocol violation, a limit, a timeout. */
  stopped: Stopped | undefined;
  private readonly abort = new AbortController();
  /** Aborted when the host is stopped: the command's signal. */
  readonly signal = this.abort.signal;
  private readonly limits: HostLimits;
  private readonly lines: LineSplitter;
  private readonly stderrTail = new TailBuffer(STDERR_TAIL);
  private started: { chunks: number } | undefined;
  private finished = false;
  private closed = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private runTimer: NodeJS.Timeout | undefined;

  constructor(private readonly input: ExchangeInput) {
    this.limits = { ...DEFAULT_HOST_LIMITS, ...input.limits };
    this.lines = new LineSplitter(this.limits.maxLine, (line) => this.line(line));
  }

  private get host(): string {
    return this.input.envelope.id;
  }

  /** Starts the run and idle timers (call when the command starts); `clearTimers` when it ended. */
  startTimers(): void {
    const { timeout } = this.limits;
    if (timeout > 0)
      this.runTimer = setTimeout(
        () => this.stop('timeout', `${this.host}: did not finish within ${timeout} s`),
        timeout * 1000,
      );
    this.touch();
  }

  clearTimers(): void {
    clearTimeout(this.runTimer);
    clearTimeout(this.idleTimer);
  }

  /** The host said something: the idle timer starts again. */
  private touch(): void {
    const idle = this.limits.idleTimeout;
    if (idle <= 0 || this.stopped) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop('timeout', `${this.host}: sent nothing for ${idle} s`), idle * 1000);
  }

  /** Stops the host: nothing more is read or sent, and its command is aborted. */
  private stop(status: Stopped['status'], message: string): void {
    if (this.stopped) return;
    this.stopped = { status, error: { code: status === 'timeout' ? 'TIMEOUT' : 'PROTOCOL', host: this.host, message } };
    this.clearTimers();
    this.end();
    this.abort.abort();
  }

  private violation(problem: string): void {
    this.stop('error', `${this.host}: the agent broke the protocol: ${problem}`);
  }

  private send(data: Buffer | string): void {
    if (this.closed) return;
    this.bytesSent += Buffer.byteLength(data);
    this.stdin.write(data);
  }

  /** Closes the agent's stdin: nothing more will be sent. */
  /** Asks the agent to stop at once: the running state's commands are killed. */
  askAbort(): void {
    if (this.closed || !this.hello) return;
    this.stopSent = true;
    this.send(`${JSON.stringify({ type: 'abort' })}\n`);
  }

  /**
   * Asks the agent to stop after the state it is running (a job being interrupted); true when the
   * request could be sent (the agent has started and not yet finished).
   */
  askStop(): boolean {
    if (this.closed || !this.hello) return false;
    this.stopSent = true;
    this.send(`${JSON.stringify({ type: 'stop' })}\n`);
    return true;
  }

  /** The master asked the agent to stop. */
  stopSent = false;
  /** The agent reported the end of its run (`done`) or a fault (`error`). */
  ended = false;

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.stdin.end();
  }

  /** Counts `n` received bytes against the output limit; false when the host is stopped. */
  private received(n: number): boolean {
    if (this.stopped) return false;
    this.bytesReceived += n;
    this.touch();
    if (this.bytesReceived > this.limits.maxOutput) {
      this.violation(`sent more than ${formatSize(this.limits.maxOutput)} of output (host_max_output)`);
      return false;
    }
    return true;
  }

  onStdout(chunk: Buffer): void {
    if (!this.received(chunk.length)) return;
    if (!this.lines.push(chunk))
      this.violation(`sent a line longer than ${formatSize(this.limits.maxLine)} (host_max_line)`);
  }

  onStderr(chunk: Buffer): void {
    if (this.received(chunk.length)) this.stderrTail.push(chunk);
  }

  /** The last part of what the host wrote on stderr. */
  stderr(): string {
    return this.stderrTail.text();
  }

  /** Call when stdout has ended: a last line without newline is still read. */
  flush(): void {
    if (!this.stopped) this.lines.flush();
    this.clearTimers();
  }

  private line(raw: string): void {
    if (this.stopped) return;
    const line = raw.trim();
    if (!line) return;
    let v: unknown;
    if (line.startsWith('{')) {
      try {
        v = JSON.parse(line);
      } catch {
        // not JSON: noise
      }
    }
    const type = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as { type?: unknown }).type : undefined;
    if (typeof type === 'string' && EVENTS.has(type)) {
      const checked = checkEvent(v as Record<string, unknown>);
      return checked.ok ? this.event(checked.value) : this.violation(checked.problem);
    }
    if (typeof type === 'string' && WIRE.has(type)) {
      const checked = checkWireMessage(v as Record<string, unknown>);
      if (!checked.ok) return this.violation(checked.problem);
      this.input.onMessage?.(checked.value);
      return this.message(checked.value);
    }
    const shown = redact(line, this.input.envelope.secrets);
    this.noise.push(shown.length > NOISE_LINE_CHARS ? `${shown.slice(0, NOISE_LINE_CHARS)}...` : shown);
    if (this.noise.length > NOISE_LINES) this.noise.shift();
  }

  private message(msg: WireMessage): void {
    const { envelope, bundle } = this.input;
    switch (msg.type) {
      case 'need-agent':
        this.requested.agent = true;
        if (msg.bytes !== bundle.length) {
          this.errors.push({
            code: 'INTERNAL',
            host: envelope.id,
            message: `the VM asked for ${msg.bytes} bytes of agent bundle, the bundle has ${bundle.length}`,
          });
          this.end();
          return;
        }
        this.send(bundle);
        return;
      case 'need-node':
        this.needNode = msg.found !== undefined ? { found: msg.found } : {};
        this.end();
        return;
      case 'hello':
        this.hello = { node: msg.node, agent: msg.agent, pid: msg.pid };
        this.send(`${JSON.stringify({ type: 'job', ...envelope })}\n`);
        return;
      case 'need-files': {
        this.requested.files.push(...msg.hashes);
        const files: Record<string, string> = {};
        for (const h of msg.hashes) {
          const data = this.input.file(h);
          if (data) files[h] = data.toString('base64');
        }
        this.send(`${JSON.stringify({ type: 'files', files })}\n`);
        return;
      }
      case 'last-job': {
        if (!(envelope.recover ?? []).includes(msg.jid)) return;
        // what the agent kept is hostile input like any other event: checked and redacted again here
        const events = msg.events.flatMap((line) => {
          let v: unknown;
          try {
            v = JSON.parse(line);
          } catch {
            return [];
          }
          if (typeof v !== 'object' || v === null || Array.isArray(v)) return [];
          const checked = checkEvent(v as Record<string, unknown>);
          return checked.ok ? [redact(checked.value, envelope.secrets)] : [];
        });
        this.input.onLastJob?.(msg.jid, events);
        return;
      }
      default:
        return;
    }
  }

  /** Whether `event` may come now and names this job and host; otherwise the host is stopped. */
  private inOrder(event: AgentEvent): boolean {
    const { jid, id } = this.input.envelope;
    // an agent that could not read its job reports the error with neither
    const named = event.type === 'result' ? undefined : event;
    const unnamed = named?.type === 'error' && named.jid === '' && named.host === '';
    if (named && !unnamed && named.host !== id) {
      this.violation(`it reported itself as '${named.host.slice(0, 100)}' (the roster says this host is '${id}')`);
      return false;
    }
    if (named && !unnamed && named.jid !== jid) {
      this.violation(`it reported job '${named.jid.slice(0, 40)}' (this job is ${jid})`);
      return false;
    }
    if (this.finished) this.violation(`a ${event.type} event after the run ended`);
    else if (event.type === 'start' && this.started) this.violation('a second start event');
    else if ((event.type === 'result' || event.type === 'done') && !this.started)
      this.violation(`a ${event.type} event before the start event`);
    else if (event.type === 'result' && this.results.length >= this.started!.chunks && !this.listenerFits(event.tag))
      this.violation(`more results than the ${this.started!.chunks} states it announced`);
    else return true;
    return false;
  }

  /**
   * A result beyond the announced states is a listener's mod_watch (`state_|-listener_<id>_|-name_|-mod_watch`,
   * Salt's call_listen), fired after the states: one per announced state at most, each tag once.
   */
  private listenerFits(tag: string): boolean {
    const parts = tag.split('_|-');
    if (parts.length !== 4 || !parts[1].startsWith('listener_') || parts[3] !== 'mod_watch') return false;
    const extra = this.results.slice(this.started!.chunks);
    return extra.length < this.started!.chunks && !extra.some((r) => r.tag === tag);
  }

  private event(raw: AgentEvent): void {
    if (!this.inOrder(raw)) return;
    // the agent redacts; the master does it again before anything is shown or stored
    let event = redact(raw, this.input.envelope.secrets);
    if (event.type === 'done' || event.type === 'error') {
      // nothing more to say to the agent; stdin stays open until then to carry `stop`
      this.ended = true;
      this.end();
    }
    if (event.type === 'result') {
      const { type: _t, ...result } = event;
      this.results.push(result);
    } else if (event.type === 'start') {
      this.started = { chunks: event.chunks };
      if (event.addresses !== undefined || event.grains !== undefined) {
        const facts = checkFacts(event.addresses ?? [], event.grains ?? {});
        this.addresses = facts.addresses;
        this.grains = facts.grains;
        event = { ...event, addresses: facts.addresses, grains: facts.grains };
        if (facts.dropped.length) {
          this.warnings.push({
            code: 'PROTOCOL',
            host: this.host,
            message: `dropped reported facts that are not what they claim: ${facts.dropped.join('; ')}`,
          });
        }
      }
    } else if (event.type === 'done') {
      this.summary = event.summary;
      this.finished = true;
    } else if (event.type === 'error') {
      // the roster names the host, whatever the event says
      this.errors.push({ ...event.error, host: this.host });
    }
    this.input.onEvent?.(event);
  }
}
