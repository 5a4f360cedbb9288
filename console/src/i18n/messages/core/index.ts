import ar from "./ar.json";
import en from "./en.json";
import fr from "./fr.json";
import it from "./it.json";

export default { en, it, fr, ar };
