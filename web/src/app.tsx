import { useEffect } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { ApiError } from '@web/api/http';
import { session } from '@web/api/session';
import { homePath, PAGES } from '@web/pages/routes';
import { RequireRole, RequireSession } from '@web/pages/shell/guards';
import { Layout } from '@web/pages/shell/layout';
import { useSession } from '@web/pages/shell/use-session';
import { SignInPage } from '@web/pages/sign-in/sign-in-page';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: false,
      // A refusal will not change by asking again; a dropped connection might.
      retry: (count, err) =>
        !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
    },
  },
});

/** Ends the session when its token does; the guards then send the person to sign-in. */
function SessionWatcher() {
  const current = useSession();
  useEffect(
    () =>
      session.subscribe((next) => {
        if (next === null) queryClient.clear();
      }),
    [],
  );
  useEffect(() => {
    if (current === null) return;
    const timer = setTimeout(
      () => session.end('expired'),
      Math.max(0, Date.parse(current.expiresAt) - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [current]);
  return null;
}

function Home() {
  const current = useSession();
  return <Navigate to={current ? homePath(current.me.roles) : '/sign-in'} replace />;
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <SessionWatcher />
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route
            element={
              <RequireSession>
                <Layout />
              </RequireSession>
            }
          >
            {PAGES.flatMap((page) =>
              [page.path, ...(page.children ?? [])].map((path) => (
                <Route
                  key={path}
                  path={path}
                  element={<RequireRole roles={page.roles}>{page.element}</RequireRole>}
                />
              )),
            )}
          </Route>
          <Route path="*" element={<Home />} />
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
