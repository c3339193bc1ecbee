/** The few DOM helpers both pages share. Elements are found by their data-testid, the names the tests use too. */

export const byTestId = <T extends Element = HTMLElement>(id: string): T => {
  const element = document.querySelector<T>(`[data-testid="${id}"]`);
  if (!element) throw new Error(`byTestId: no element with data-testid="${id}"`);
  return element;
};

export const show = (id: string, text: string | number): void => {
  byTestId(id).textContent = String(text);
};

/** Disables a backend select's WebGPU option where the browser has no WebGPU (falling back to the CPU). */
export function offerWebGpu(select: HTMLSelectElement): void {
  if ('gpu' in navigator) return;
  select.querySelector<HTMLOptionElement>('option[value=webgpu]')!.disabled = true;
  select.value = 'cpu';
}
