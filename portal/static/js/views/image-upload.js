// @ts-check
// Uploads for the offer's image fields (logos, hero logo, screenshots, video thumbnails): a file
// picker next to the field's URL control POSTs the PNG to the offer's artifacts, then puts the URL
// the API answers into the field, as if the partner had typed it. The API checks the bytes and the
// pixel size; its refusal is shown at the field and nothing else changes.
import { api, enc, errorMessage } from '../api.js';
import { API_BASE } from '../config.js';
import { h, replace, uid } from '../dom.js';

/**
 * The artifact kinds of the upload endpoint (`?kind=`), with the pixel size each must have, as
 * ARTIFACT_KINDS in domain/offer/artifacts.ts.
 * @type {Record<string, { label: string, size: string }>}
 */
export const IMAGE_KINDS = {
  smallLogo: { label: 'small logo', size: '40×40 px' },
  mediumLogo: { label: 'medium logo', size: '90×90 px' },
  largeLogo: { label: 'large logo', size: '115×115 px' },
  wideLogo: { label: 'wide logo', size: '255×115 px' },
  heroLogo: { label: 'hero logo', size: '815×290 px' },
  screenshot: { label: 'screenshot', size: '1280×720 px' },
  videoThumbnail: { label: 'video thumbnail', size: '1280×720 px' },
};

/** Where uploads go: the offer being edited, once it exists (a new offer must be saved first). */
export class ImageUploads {
  /**
   * @param {{ publisherId: string, key: string }} session
   * @param {string | null} offerId  null: not saved yet
   */
  constructor(session, offerId) {
    this.session = session;
    this.offerId = offerId;
    /** @type {Set<{ el: HTMLElement, update: () => void }>} */
    this.watchers = new Set();
  }

  get ready() {
    return this.offerId !== null;
  }

  /** The offer now exists (its first save): the pickers are enabled. @param {string} offerId */
  setOffer(offerId) {
    this.offerId = offerId;
    for (const w of [...this.watchers]) {
      if (w.el.isConnected) w.update();
      else this.watchers.delete(w);
    }
  }

  /** Calls `update` whenever readiness changes, while `el` is on the page. @param {HTMLElement} el @param {() => void} update */
  watch(el, update) {
    this.watchers.add({ el, update });
  }

  /**
   * Stores the PNG as an artifact of the offer.
   * @param {string} kind  one of IMAGE_KINDS
   * @param {Blob} file
   */
  upload(kind, file) {
    const path = `/publishers/${enc(this.session.publisherId)}/offers/${enc(this.offerId ?? '')}/artifacts?kind=${enc(kind)}`;
    return api(path, { method: 'POST', key: this.session.key, raw: file, headers: { 'content-type': 'image/png' } });
  }
}

/**
 * What an image field's value can be previewed with: the service's own stored images (on this
 * origin, whatever public address the URL was written with) and data: URLs. Other addresses are
 * not loaded by the portal (its Content-Security-Policy allows images from itself only).
 * @param {string} value
 * @returns {string | null}
 */
export function previewSource(value) {
  const v = value.trim();
  if (/^data:image\/png;base64,[A-Za-z0-9+/=\s]+$/i.test(v)) return v;
  try {
    const u = new URL(v);
    if (
      (u.protocol === 'https:' || u.protocol === 'http:') &&
      u.pathname.startsWith(`${API_BASE}/marketplace/artifacts/`) &&
      !u.search
    )
      return u.pathname;
  } catch {
    // not a URL (yet): nothing to show
  }
  return null;
}

/**
 * Adds an upload picker and a preview to an image field made by `field()` (its wrapper). The
 * field's own control keeps the value: an upload writes the answered URL into it and fires its
 * input event, so the binding (document, counter, "unsaved changes") is the field's.
 * @param {HTMLElement} wrapper  the field's element
 * @param {string} kind  one of IMAGE_KINDS
 * @param {ImageUploads} uploads
 */
export function withUpload(wrapper, kind, uploads) {
  const control = /** @type {HTMLInputElement | null} */ (wrapper.querySelector('input:not([type=file]), textarea'));
  if (!control) return wrapper;
  const what = IMAGE_KINDS[kind] ?? { label: 'image', size: '' };
  const fileId = uid('upload');
  const statusId = uid('upload-status');
  const file = h('input', {
    type: 'file',
    id: fileId,
    accept: 'image/png',
    'aria-describedby': statusId,
    'data-upload-kind': kind,
  });
  const status = h('p', { class: 'upload-status', id: statusId, role: 'status' });
  const error = h('div', { class: 'upload-error' });
  const preview = h('img', {
    class: 'upload-preview',
    alt: `Preview of the ${what.label}`,
    hidden: true,
    decoding: 'async',
  });
  let busy = false;

  const sync = () => {
    file.disabled = busy || !uploads.ready;
    if (!uploads.ready) status.textContent = 'Save the offer first to upload images.';
    else if (status.textContent === 'Save the offer first to upload images.') status.textContent = '';
  };
  const showPreview = () => {
    const src = previewSource(control.value);
    if (src) {
      if (preview.getAttribute('src') !== src) preview.src = src;
      preview.hidden = false;
    } else {
      preview.removeAttribute('src');
      preview.hidden = true;
    }
  };
  // A preview that cannot be loaded (e.g. a typed address of an image that was never stored) is hidden.
  preview.addEventListener('error', () => (preview.hidden = true));
  control.addEventListener('input', () => {
    showPreview();
    replace(error);
  });

  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (!chosen || !uploads.ready) return;
    busy = true;
    sync();
    replace(error);
    replace(status, h('progress', { 'aria-label': `Uploading ${chosen.name}` }), ` Uploading ${chosen.name}…`);
    wrapper.setAttribute('aria-busy', 'true');
    const r = await uploads.upload(kind, chosen);
    busy = false;
    file.value = '';
    wrapper.removeAttribute('aria-busy');
    sync();
    const url = r.ok && typeof r.data?.url === 'string' ? r.data.url : null;
    if (url) {
      control.value = url;
      control.dispatchEvent(new Event('input', { bubbles: true }));
      status.textContent = `Uploaded ${chosen.name}; the field now holds its stored address.`;
    } else {
      status.textContent = '';
      replace(
        error,
        h(
          'p',
          { class: 'warning', role: 'alert' },
          h('span', { class: 'sr-only' }, 'Upload failed: '),
          r.ok ? 'The service did not answer an image address.' : errorMessage(r),
        ),
      );
    }
  });

  uploads.watch(wrapper, sync);
  sync();
  showPreview();
  const block = h(
    'div',
    { class: 'upload' },
    h(
      'label',
      { for: fileId, class: 'upload-label' },
      'Upload PNG…',
      h('span', { class: 'sr-only' }, ` (${what.label}${what.size ? `, ${what.size}` : ''})`),
    ),
    file,
    status,
    error,
    preview,
  );
  control.after(block);
  return wrapper;
}
