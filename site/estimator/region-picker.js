// The region picker: a searchable combobox (WAI-ARIA combobox pattern with a listbox popup) on
// top of the page's native <select id="yb-region">, which stays the form's value and is the
// fallback without JavaScript. It matches the Chinese name, the pinyin (the region id, with or
// without spaces or tone marks: "Zībó", "zi bo", "zi1bo2") and the English name. Keys: ↓/↑
// move, Enter picks, Escape closes (a second Escape clears the search), Home/End.
// Regions with weak data say so in the list and beside the field, pointing to "use my own numbers".

/** Lowercase, tone marks and tone digits removed, no spaces or separators. */
export function searchKey(text) {
  return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[\s\d'’·\-_.()（）]/g, "");
}

/** Chinese names without the administrative suffix match too ("淄博" for "淄博市"). */
function keysOf(region) {
  const zh = region.name.zh;
  return [searchKey(region.id), searchKey(region.name.en), zh, zh.replace(/[省市区县]$/, "")];
}

export function matches(region, query) {
  const key = searchKey(query);
  if (!key) return true;
  return keysOf(region).some((k) => k.includes(key));
}

/** How weak a region's data is: "no_numbers" (it states none of its own), "unverified", or null. */
export function weakness(region) {
  if (region.numbers === 0 && region.parent !== null) return "no_numbers";
  if (region.confidence === "unverified") return "unverified";
  return null;
}

export class RegionPicker {
  constructor(select, data, { onOwnNumbers }) {
    this.select = select;
    this.data = data;
    this.J = data.labels.js;
    this.lang = data.lang;
    this.regions = data.regions;
    this.byId = Object.fromEntries(this.regions.map((r) => [r.id, r]));
    const doc = select.ownerDocument;
    this.input = doc.getElementById("yb-region-search");
    this.list = doc.getElementById("yb-region-list");
    this.note = doc.getElementById("yb-region-note");
    this.noteText = doc.getElementById("yb-region-note-text");
    this.shown = []; // regions in the open list
    this.active = -1;

    // Enhance: the combobox replaces the select on screen; the label now names the combobox.
    doc.getElementById("yb-region-combo").hidden = false;
    doc.getElementById("yb-region-hint").hidden = false;
    select.hidden = true;
    const label = doc.querySelector('label[for="yb-region"]');
    if (label) label.htmlFor = this.input.id;

    this.input.addEventListener("input", () => this.open(this.input.value));
    this.input.addEventListener("focus", () => this.input.select());
    this.input.addEventListener("click", () => { if (this.list.hidden) this.open(""); });
    this.input.addEventListener("keydown", (event) => this.key(event));
    this.input.addEventListener("blur", () => this.close(true));
    this.list.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the input
    this.list.addEventListener("click", (event) => {
      const option = event.target.closest('[role="option"]');
      if (option) this.pick(option.dataset.id);
    });
    select.addEventListener("change", () => this.showValue());
    doc.getElementById("yb-region-own").addEventListener("click", onOwnNumbers);
    this.showValue();
  }

  name(region) {
    return region.name[this.lang];
  }

  /** The input shows the picked region; the note below says when its data is weak. */
  showValue() {
    const region = this.byId[this.select.value];
    this.input.value = region ? this.name(region) : this.select.value;
    const weak = region ? weakness(region) : "no_numbers";
    this.note.hidden = !weak;
    if (weak) this.noteText.textContent = `${this.J[`region_note_${weak}`]} ${this.J.region_note_action}`;
  }

  open(query) {
    this.shown = this.regions.filter((r) => matches(r, query));
    const searching = searchKey(query) !== "";
    this.list.replaceChildren(...this.shown.map((region, i) => this.option(region, i, searching)));
    if (!this.shown.length) {
      const empty = document.createElement("li");
      empty.className = "yb-option-none";
      empty.setAttribute("role", "presentation");
      empty.textContent = this.J.region_none;
      this.list.append(empty);
    }
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    const current = this.shown.findIndex((r) => r.id === this.select.value);
    this.move(searching ? (this.shown.length ? 0 : -1) : current);
  }

  option(region, i, flat) {
    const li = document.createElement("li");
    li.id = `yb-region-option-${region.id}`;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", String(region.id === this.select.value));
    li.dataset.id = region.id;
    li.className = "yb-option";
    if (!flat) li.style.paddingInlineStart = `${0.5 + region.depth}em`;
    const name = document.createElement("span");
    name.textContent = this.name(region);
    const other = document.createElement("span");
    other.className = "yb-option-other";
    other.textContent = this.lang === "zh" ? ` ${region.name.en} · ${region.id}` : ` ${region.name.zh} · ${region.id}`;
    li.append(name, other);
    const weak = weakness(region);
    if (weak) {
      const badge = document.createElement("span");
      badge.className = `yb-option-weak yb-weak-${weak}`;
      badge.textContent = this.J[weak === "no_numbers" ? "region_no_numbers" : "region_unverified"];
      li.append(" ", badge);
    }
    return li;
  }

  move(index) {
    const options = this.list.querySelectorAll('[role="option"]');
    options.forEach((o, i) => o.classList.toggle("yb-active", i === index));
    this.active = index;
    if (index >= 0 && options[index]) {
      this.input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  close(restore) {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
    if (restore) this.showValue();
  }

  pick(id) {
    const changed = this.select.value !== id;
    this.select.value = id;
    this.close(true);
    if (changed) this.select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  key(event) {
    const open = !this.list.hidden;
    const last = this.shown.length - 1;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open) this.open("");
        else this.move(Math.min(this.active + 1, last));
        break;
      case "ArrowUp":
        event.preventDefault();
        if (!open) this.open("");
        else this.move(Math.max(this.active - 1, 0));
        break;
      case "Home":
      case "End":
        if (open && this.shown.length) {
          event.preventDefault();
          this.move(event.key === "Home" ? 0 : last);
        }
        break;
      case "Enter":
        if (open) {
          event.preventDefault(); // never submits the form while the list is open
          if (this.active >= 0) this.pick(this.shown[this.active].id);
        }
        break;
      case "Escape":
        if (open) {
          event.preventDefault();
          this.close(true);
        } else if (this.input.value) {
          event.preventDefault();
          this.input.value = "";
        }
        break;
      case "Tab":
        if (open) this.close(true);
        break;
      default:
    }
  }
}
