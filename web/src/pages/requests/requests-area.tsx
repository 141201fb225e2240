import { useParams } from 'react-router';
import { NewRequestPage } from '@web/pages/requests/new-request-page';
import { RequestsPage } from '@web/pages/requests/requests-page';

/** `/requests`, `/requests/<id>` and `/requests/new` (the form the console links to). */
export function RequestsArea() {
  const { requestId } = useParams();
  return requestId === 'new' ? <NewRequestPage /> : <RequestsPage />;
}
