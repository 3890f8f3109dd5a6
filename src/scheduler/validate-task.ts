/**
 * Checks a task before it enters a queue: every field the scheduler relies
 * on, with an error that names the field (the API returns it as `field`).
 */
import { invalid } from '../domain/errors.js';
import type { DataClass, Task, WorkKind } from '../domain/task.js';
import type { WorldIndex } from './world.js';

const KINDS: readonly WorkKind[] = ['training', 'inference', 'rendering', 'data-processing', 'backup', 'hpc'];
const DATA_CLASSES: readonly DataClass[] = ['core', 'important', 'general'];

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A finite number ≥ 0, or an error naming the field (also the reservation book's check of a booking). */
export function nonNegative(v: unknown, field: string): void {
  if (!(finite(v) && v >= 0)) throw invalid(field, `must be a finite number ≥ 0, got ${String(v)}`);
}

function nonEmpty(v: unknown, field: string): void {
  // trim() only when the ends could be blank: it allocates
  if (typeof v !== 'string' || v.length === 0) throw invalid(field, 'must be a non-empty string');
  if ((v.charCodeAt(0) <= 32 || v.charCodeAt(v.length - 1) <= 32) && v.trim() === '') {
    throw invalid(field, 'must be a non-empty string');
  }
}

/** Throws DomainError('validation') naming the first bad field. */
export function validateTask(task: Task, world?: WorldIndex): void {
  if (task === null || typeof task !== 'object') throw invalid('task', 'must be an object');
  nonEmpty(task.id, 'id');
  nonEmpty(task.tenantId, 'tenantId');
  if (!KINDS.includes(task.kind)) throw invalid('kind', `must be one of ${KINDS.join(', ')}, got '${task.kind}'`);
  const r = task.resources;
  if (r === null || typeof r !== 'object') throw invalid('resources', 'must be an object');
  // field names are literals: building them on every call would cost more than the checks
  nonNegative(r.cpuCores, 'resources.cpuCores');
  nonNegative(r.memoryGb, 'resources.memoryGb');
  nonNegative(r.gpus, 'resources.gpus');
  nonNegative(r.hpcNodes, 'resources.hpcNodes');
  nonNegative(r.storageTb, 'resources.storageTb');
  if (!Number.isInteger(r.hpcNodes)) throw invalid('resources.hpcNodes', `must be a whole number, got ${r.hpcNodes}`);
  if (r.cpuCores + r.gpus + r.hpcNodes + r.storageTb <= 0) {
    throw invalid('resources', 'asks for nothing: give cpuCores, gpus, hpcNodes or storageTb');
  }
  if (r.gpuModel !== undefined) {
    nonEmpty(r.gpuModel, 'resources.gpuModel');
    if (r.gpus <= 0) throw invalid('resources.gpuModel', 'a GPU model needs gpus > 0');
  }
  if (r.minGpuFp16Tflops !== undefined) {
    nonNegative(r.minGpuFp16Tflops, 'resources.minGpuFp16Tflops');
    if (r.gpus <= 0) throw invalid('resources.minGpuFp16Tflops', 'a minimum GPU speed needs gpus > 0');
  }
  if (!(finite(task.durationS) && task.durationS > 0)) {
    throw invalid('durationS', `must be a finite number > 0, got ${String(task.durationS)}`);
  }
  if (!(finite(task.estimatedDurationS) && task.estimatedDurationS > 0)) {
    throw invalid('estimatedDurationS', `must be a finite number > 0, got ${String(task.estimatedDurationS)}`);
  }
  if (!finite(task.submittedAtS))
    throw invalid('submittedAtS', `must be a finite time, got ${String(task.submittedAtS)}`);
  if (!finite(task.earliestStartS)) {
    throw invalid('earliestStartS', `must be a finite time, got ${String(task.earliestStartS)}`);
  }
  if (task.deadlineS !== null) {
    if (!finite(task.deadlineS))
      throw invalid('deadlineS', `must be a finite time or null, got ${String(task.deadlineS)}`);
    if (task.deadlineS < task.earliestStartS + task.durationS) {
      throw invalid('deadlineS', 'is before earliestStartS + durationS: the task can never finish in time');
    }
  }
  nonEmpty(task.originCity, 'originCity');
  if (task.latencySlaMs !== null && !(finite(task.latencySlaMs) && task.latencySlaMs > 0)) {
    throw invalid('latencySlaMs', `must be a number > 0 (round trip, ms) or null, got ${String(task.latencySlaMs)}`);
  }
  nonNegative(task.dataGb, 'dataGb');
  if (!DATA_CLASSES.includes(task.dataClass)) {
    throw invalid('dataClass', `must be one of ${DATA_CLASSES.join(', ')}, got '${task.dataClass}'`);
  }
  if (!Array.isArray(task.allowedHubs)) throw invalid('allowedHubs', 'must be an array of hub ids');
  for (let i = 0; i < task.allowedHubs.length; i++) {
    const h = task.allowedHubs[i];
    if (typeof h !== 'string' || h.length === 0) throw invalid(`allowedHubs[${i}]`, 'must be a non-empty string');
    if (world && !world.hub(h)) throw invalid(`allowedHubs[${i}]`, `unknown hub '${h}'`);
  }
  if (typeof task.pairedOnly !== 'boolean') throw invalid('pairedOnly', 'must be a boolean');
  if (!finite(task.priority)) throw invalid('priority', `must be a finite number, got ${String(task.priority)}`);
  if (world && !world.origin(task.originCity)) {
    throw invalid('originCity', `unknown place '${task.originCity}' (not a city or site of the topology)`);
  }
}
