import { Link } from "react-router";
import { useDocumentTitle } from "../ui/use-document-title.js";

/** Any unknown client route. */
export function NotFoundPage() {
  useDocumentTitle("Not found");
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. Go to the <Link to="/experiments">experiments</Link>.
      </p>
    </section>
  );
}
