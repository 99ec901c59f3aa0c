import ReactQuill from 'react-quill-new';
import 'react-quill-new/dist/quill.snow.css';

// Rich text editing with Quill (lazy-loaded: only forms with a rich text field pay for it).
// The server sanitises the HTML on every write.
export default function RichText({ value, onChange, readOnly }: { value?: string; onChange?: (v: string) => void; readOnly?: boolean }) {
  return (
    <ReactQuill theme="snow" value={value ?? ''} readOnly={readOnly}
      onChange={(html) => onChange?.(html === '<p><br></p>' ? '' : html)}
      modules={{ toolbar: [['bold', 'italic', 'underline', 'strike'], [{ list: 'ordered' }, { list: 'bullet' }], ['link', 'blockquote'], ['clean']] }} />
  );
}
