import { useEffect, useRef, useState } from "preact/hooks";
import { api, type Schemas } from "../../api/client";
import { useConsole } from "../../context";
import "./picker.css";

export type Person = Schemas["PersonName"];

const MIN_LETTERS = 2; // the API's minimum (GET /v1/people?q=)
const SHOWN = 8;
const PAUSE_MS = 250; // one search when the typing pauses, not one per key

/** Pick people by name: type the start of any words of their name (first, last, in any order), choose among
 * the active colleagues the API finds (GET /v1/people?q=, only once the typing pauses), as a combobox with a
 * listbox (arrows, Enter, Escape). The chosen ones are shown with a button to take each back. Opening the page
 * calls nothing. */
export function PeoplePicker({
  id,
  picked,
  onChange,
  max,
  describedBy,
}: {
  id: string;
  picked: Person[];
  onChange: (people: Person[]) => void;
  max: number;
  describedBy: string;
}) {
  const { words } = useConsole();
  const [typed, setTyped] = useState("");
  const [found, setFound] = useState<Person[]>([]);
  const [active, setActive] = useState(0);
  const [searched, setSearched] = useState(false);
  const asked = useRef(0);

  useEffect(() => {
    const start = typed.trim();
    setFound([]);
    setSearched(false);
    if (start.length < MIN_LETTERS) return;
    const ask = ++asked.current;
    const timer = setTimeout(async () => {
      try {
        const { data } = await api.GET("/v1/people", { params: { query: { q: start, limit: SHOWN } } });
        if (ask !== asked.current) return; // a later search is on its way
        setFound(data?.items ?? []);
        setActive(0);
        setSearched(Boolean(data));
      } catch {
        // the list stays empty; the person can type again
      }
    }, PAUSE_MS);
    return () => clearTimeout(timer);
  }, [typed]);

  const choices = found.filter((person) => !picked.some((p) => p.id === person.id));
  const current = choices[Math.min(active, choices.length - 1)]; // undefined: nothing to choose
  const open = current !== undefined;
  const pick = (person: Person) => {
    if (picked.length < max) onChange([...picked, person]);
    setTyped("");
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === "ArrowDown" && open) setActive((active + 1) % choices.length);
    else if (event.key === "ArrowUp" && open) setActive((active - 1 + choices.length) % choices.length);
    else if (event.key === "Enter" && current) pick(current);
    else if (event.key === "Escape") setTyped("");
    else if (event.key === "Backspace" && !typed && picked.length) onChange(picked.slice(0, -1));
    else return;
    event.preventDefault();
  };
  const optionId = (person: Person) => `${id}-option-${person.id}`;

  return (
    <div class="picker">
      {picked.length > 0 && (
        <ul class="picked" aria-label={words.t("give.picker.picked")}>
          {picked.map((person) => (
            <li key={person.id} data-person={person.id}>
              <span dir="auto">{person.name}</span>
              <button
                type="button"
                class="secondary"
                aria-label={words.t("give.picker.remove", { name: person.name })}
                onClick={() => onChange(picked.filter((p) => p.id !== person.id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        id={id}
        role="combobox"
        dir="auto"
        autoComplete="off"
        maxLength={60}
        value={typed}
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={`${id}-options`}
        aria-activedescendant={current ? optionId(current) : undefined}
        aria-describedby={describedBy}
        onInput={(e) => setTyped(e.currentTarget.value)}
        onKeyDown={onKey}
      />
      <ul class="options" id={`${id}-options`} role="listbox" hidden={!open} aria-label={words.t("give.picker.found")}>
        {choices.map((person) => (
          <li
            key={person.id}
            id={optionId(person)}
            role="option"
            aria-selected={person === current}
            data-person={person.id}
            onMouseDown={(e) => e.preventDefault()} // keep the focus in the input
            onClick={() => pick(person)}
          >
            <span dir="auto">{person.name}</span>
            {person.department && (
              <span class="hint" dir="auto">
                {" "}
                {person.department}
              </span>
            )}
          </li>
        ))}
      </ul>
      <p class="hint" role="status">
        {searched && choices.length === 0 ? words.t("give.picker.nobody", { name: typed.trim() }) : ""}
      </p>
    </div>
  );
}
