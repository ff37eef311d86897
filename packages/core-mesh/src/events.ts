import type { MeshEvents, TypedEventTarget } from './interfaces/events.js'

/** An EventTarget that dispatches `CustomEvent`s typed by an event map. */
export class TypedEvents<Events extends object> implements TypedEventTarget<Events> {
  private readonly target = new EventTarget()

  emit<K extends keyof Events & string>(type: K, detail: Events[K]): void {
    this.target.dispatchEvent(new CustomEvent(type, { detail }))
  }

  addEventListener<K extends keyof Events & string>(type: K, listener: (event: CustomEvent<Events[K]>) => void, options?: AddEventListenerOptions | boolean): void {
    this.target.addEventListener(type, listener as EventListener, options)
  }

  removeEventListener<K extends keyof Events & string>(type: K, listener: (event: CustomEvent<Events[K]>) => void, options?: EventListenerOptions | boolean): void {
    this.target.removeEventListener(type, listener as EventListener, options)
  }
}

export type MeshEventTarget = TypedEvents<MeshEvents>
