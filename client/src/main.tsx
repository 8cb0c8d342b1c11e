import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

// Placeholder until the real UI lands.
function App() {
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: "40rem", margin: "4rem auto" }}>
      <h1>Splitlab</h1>
      <p>
        UI coming soon. The API is described at <a href="/api/openapi.json">/api/openapi.json</a>.
      </p>
    </main>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
